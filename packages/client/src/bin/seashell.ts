#!/usr/bin/env node
/**
 * `seashell` — an SSH client with OpenSSH's command line: `seashell [options] [user@]host [command]`.
 * The program is `runCli` in `../node/cli.js`; this file wires it to the process.
 */
import { homedir, userInfo } from 'node:os';
import { setDefaultCryptoProvider } from '@seashell/transport';
import { cryptoProviderNamed, nodeProvider } from '@seashell/transport/node';
import { EXIT_FAILURE, runCli } from '../node/cli.js';

// A signal ends us as it ends ssh; exiting (not dying) runs the 'exit' hooks that restore the terminal.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const)
  process.on(signal, () => process.exit(EXIT_FAILURE));
// A local reader that went away is handled where the session writes; never a crash.
process.stdout.on('error', () => {});

// The program owns the process: everything in it (connections, key files, signatures) uses
// node:crypto, unless SEASHELL_CRYPTO=noble|node names a provider (the test suite runs under each).
try {
  setDefaultCryptoProvider(cryptoProviderNamed(process.env.SEASHELL_CRYPTO) ?? nodeProvider);
} catch (error) {
  process.stderr.write(`seashell: SEASHELL_CRYPTO: ${(error as Error).message}\n`);
  process.exit(EXIT_FAILURE);
}

runCli({
  argv: process.argv.slice(2),
  env: process.env,
  home: homedir(),
  localUser: userInfo().username,
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`seashell: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(EXIT_FAILURE);
  },
);
