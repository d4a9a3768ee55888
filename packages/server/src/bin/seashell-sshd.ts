#!/usr/bin/env node
/**
 * `seashell-sshd`: the Seashell server framework running real commands (DESIGN.md
 * "Command-line programs"). `seashell-sshd --help` lists the flags; `pnpm start` runs `--demo`.
 */
import { setDefaultCryptoProvider } from '@seashell/transport';
import { cryptoProviderNamed, nodeProvider } from '@seashell/transport/node';
import { Server } from '../node/server.js';
import { parseSshdArgs, SSHD_USAGE, type SshdArgs, UsageError } from '../node/sshd-options.js';
import { describeHostKey, printable, type SshdLog, type SshdSetup, setupSshd } from '../node/sshd-setup.js';

const PROGRAM = 'seashell-sshd';

function fail(message: string): never {
  process.stderr.write(`${PROGRAM}: ${message}\n`);
  process.exit(1);
}

/** How to reach `address:port` on an ssh command line. */
function sshTarget(address: string, port: number): { host: string; portFlag: string; knownHost: string } {
  const host = address === '0.0.0.0' || address === '::' ? '127.0.0.1' : address;
  return {
    host,
    portFlag: port === 22 ? '' : `-p ${port} `,
    knownHost: port === 22 ? host : `[${host}]:${port}`,
  };
}

/** What `--demo` prints: the password and the command lines to use it. */
function demoText(password: string, address: string, port: number): string[] {
  const { host, portFlag, knownHost } = sshTarget(address, port);
  return [
    '',
    `Log in with any user name and this one-time password: ${password}`,
    '',
    `    ssh ${portFlag}demo@${host}`,
    '',
    'The host key is new on every run. To trust it on first use without a prompt:',
    '',
    `    ssh -o StrictHostKeyChecking=accept-new ${portFlag}demo@${host}`,
    '',
    `If ssh reports a changed host key from an earlier run: ssh-keygen -R '${knownHost}'`,
    'Commands run as this OS user. Stop with Ctrl-C.',
  ];
}

async function main(): Promise<void> {
  let args: SshdArgs;
  let setup: SshdSetup;
  // Level 0 (warnings) always; -v and -vv add more.
  const log: SshdLog = (level, message) => {
    if (level <= (args?.verbose ?? 0)) process.stderr.write(`${PROGRAM}: ${message}\n`);
  };
  try {
    // The program owns the process: everything in it (connections, key files, signatures) uses
    // node:crypto, unless SEASHELL_CRYPTO=noble|node names a provider (the test suite runs under each).
    setDefaultCryptoProvider(cryptoProviderNamed(process.env.SEASHELL_CRYPTO) ?? nodeProvider);
  } catch (e) {
    fail(`SEASHELL_CRYPTO: ${(e as Error).message}`);
  }
  try {
    args = parseSshdArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(SSHD_USAGE);
      return;
    }
    setup = setupSshd(args, log);
  } catch (e) {
    if (e instanceof UsageError) fail(`${e.message}\n(${PROGRAM} --help lists the options)`);
    throw e;
  }
  const server = new Server(setup.serverOptions);
  // Before the listening line: whoever reads it may signal us at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    stopping = true;
    log(0, `${signal}: closing ${server.connectionCount} connection(s); again to exit at once`);
    server.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  let bound: { address: string; port: number };
  try {
    bound = await server.listen(args.port, args.address);
  } catch (e) {
    fail(`cannot listen on ${args.address} port ${args.port}: ${(e as Error).message}`);
  }
  // One write, so that a reader of a pipe sees the whole text at once.
  const lines = [
    `${PROGRAM}: listening on ${bound.address} port ${bound.port}`,
    ...setup.hostKeys.map((k) => `${PROGRAM}: host key ${describeHostKey(k)}`),
    ...setup.hostCertificates.map(
      (c) =>
        `${PROGRAM}: host certificate ${c.certificate.type} ID "${printable(c.certificate.keyId)}" (${c.file})`,
    ),
    ...(setup.demoPassword === undefined ? [] : demoText(setup.demoPassword, bound.address, bound.port)),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
}

await main();
