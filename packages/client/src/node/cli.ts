/**
 * The `seashell` program: ssh(1)'s command line and ssh_config(5) options over Seashell's client.
 * Reads the options, connects (with ConnectTimeout), checks the host key against known_hosts,
 * authenticates with the identity files and a prompted password, runs one session and exits with
 * the remote command's status — 255 when the connection, the host key or authentication failed,
 * or the remote command was killed by a signal, as ssh does.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect as netConnect, type Socket } from 'node:net';
import { fingerprintSha256, type PublicKey, sanitizeText, TimeoutError } from '@seashell/transport';
import { ALGORITHM_OPTIONS } from './algorithm-list.js';
import { type CliAction, type CommandLine, parseCommandLine, USAGE, UsageError } from './cli-args.js';
import { describeConnectionError, describeSocketError } from './cli-errors.js';
import { CliLog } from './cli-log.js';
import { localPty, runSession, type SessionIo } from './cli-session.js';
import { type CliContext, type CliSettings, expandPath, resolveSettings } from './cli-settings.js';
import { type AuthMethod, type Client, connect } from './client.js';
import { loadIdentities, publicKeyMethod } from './identities.js';
import {
  addKnownHost,
  decideHostKey,
  keyTypeLabel,
  knownKeyTypes,
  readKnownHostsFiles,
} from './known-hosts-policy.js';
import { askPassword, choosePasswordSource } from './password-prompt.js';
import { applyConfigFile, applyConfigLine, ConfigError, emptyConfig } from './ssh-config.js';
import { askOnTerminal, hasControllingTerminal, localTerminalModes, PromptCancelledError } from './tty.js';

/** What the program runs with; the bin passes the real process's. */
export interface CliIo extends CliContext {
  readonly argv: readonly string[];
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

/** Exit status for every failure of our own, as ssh. */
export const EXIT_FAILURE = 255;

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return `Seashell_${pkg.version}, a pure-TypeScript SSH client (Node ${process.versions.node})`;
}

/** `-Q`: what Seashell supports, one name a line, as `ssh -Q`. */
function query(what: string): string[] | undefined {
  const key = what.toLowerCase();
  if (key === 'cipher') return [...ALGORITHM_OPTIONS.Ciphers.supported];
  if (key === 'cipher-auth')
    return ALGORITHM_OPTIONS.Ciphers.supported.filter((c) => c.includes('gcm') || c.includes('poly1305'));
  if (key === 'mac') return [...ALGORITHM_OPTIONS.MACs.supported];
  if (key === 'kex' || key === 'kexalgorithms') return [...ALGORITHM_OPTIONS.KexAlgorithms.supported];
  if (['key', 'key-sig', 'sig', 'hostkeyalgorithms', 'pubkeyacceptedalgorithms'].includes(key))
    return [...ALGORITHM_OPTIONS.HostKeyAlgorithms.supported];
  if (key === 'help') return ['cipher', 'cipher-auth', 'kex', 'key', 'key-sig', 'mac', 'sig'];
  return undefined;
}

/** Runs the program; resolves with the exit status. */
export async function runCli(io: CliIo): Promise<number> {
  const print = (text: string) => io.stderr.write(text);
  let action: CliAction;
  try {
    action = parseCommandLine(io.argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    print(`seashell: ${e.message}\n${USAGE}\n`);
    return EXIT_FAILURE;
  }
  if (action.kind === 'version') {
    print(`${version()}\n`);
    return 0;
  }
  if (action.kind === 'query') {
    const names = query(action.what);
    if (!names) {
      print(`Unsupported query "${action.what}"\n`);
      return EXIT_FAILURE;
    }
    io.stdout.write(`${names.join('\n')}\n`);
    return 0;
  }
  let settings: CliSettings;
  try {
    settings = await readSettings(action.commandLine, io);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    print(`${e.message}\n`);
    return EXIT_FAILURE;
  }
  return new Connection(settings, io).run();
}

/** Command line first, then the config file: the first value obtained wins. */
async function readSettings(cl: CommandLine, io: CliIo): Promise<CliSettings> {
  const config = emptyConfig();
  for (const line of cl.configLines) applyConfigLine(config, line, { name: 'command-line', line: 0 });
  const explicit = cl.configFile !== undefined;
  const file = cl.configFile ?? '~/.ssh/config';
  if (file.toLowerCase() !== 'none') {
    const path = expandPath(file, {}, io.home);
    let text: string | undefined;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      if (explicit) throw new ConfigError(`Can't open user config file ${path}: ${(e as Error).message}`);
    }
    if (text !== undefined) applyConfigFile(config, text, path, cl.host);
  }
  return resolveSettings(config, cl, io);
}

/** One run: connect, verify, authenticate, run the session. */
class Connection {
  readonly #s: CliSettings;
  readonly #io: CliIo;
  readonly #log: CliLog;
  /** Set when we refused the host key: the lines to print instead of the generic error. */
  #hostKeyFailure: readonly string[] | undefined;
  #cancelled = false;
  readonly #abort = new AbortController();

  constructor(settings: CliSettings, io: CliIo) {
    this.#s = settings;
    this.#io = io;
    this.#log = new CliLog(settings.logLevel, (text) => io.stderr.write(text));
  }

  async run(): Promise<number> {
    const s = this.#s;
    const log = this.#log;
    for (const keyword of new Set(s.ignored)) log.debug(`${keyword}: not used by seashell; ignored`);

    const knownHosts = await readKnownHostsFiles([...s.userKnownHostsFiles, ...s.globalKnownHostsFiles], log);
    const identities =
      s.authMethods.includes('publickey') && s.identityFiles.length > 0
        ? await loadIdentities(s.identityFiles, s.identitiesExplicit, log)
        : [];
    const auth: AuthMethod[] = [];
    for (const method of s.authMethods) {
      if (method === 'publickey') {
        for (const identity of identities) {
          const m = publicKeyMethod(identity, s.pubkeyAcceptedAlgorithms);
          if (m) auth.push(m);
          else log.debug(`Skipping ${identity.path}: its key type is not in PubkeyAcceptedAlgorithms`);
        }
      } else if (s.passwordPrompts > 0) {
        auth.push({ type: 'password', attempts: s.passwordPrompts, password: () => this.#password() });
      }
    }

    // Ask for the host key types known_hosts has for this host first, as ssh does.
    const known = knownKeyTypes(knownHosts, s.knownHostsHost, s.knownHostsPort);
    const defaults = ALGORITHM_OPTIONS.HostKeyAlgorithms.defaults;
    const hostKeyAlgorithms = s.hostKeyAlgorithms ?? [
      ...defaults.filter((a) => known.some((t) => a === t || (t === 'ssh-rsa' && a.startsWith('rsa-sha2-')))),
      ...defaults.filter(
        (a) => !known.some((t) => a === t || (t === 'ssh-rsa' && a.startsWith('rsa-sha2-'))),
      ),
    ];

    const abort = this.#abort;
    // ConnectTimeout covers the TCP connect and the handshake, up to the host key (ssh_config(5)).
    let tcpConnected = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    if (s.connectTimeoutMs !== undefined) {
      timer = setTimeout(() => {
        const when = tcpConnected ? ' during the SSH handshake' : '';
        abort.abort(new TimeoutError(`Connection timed out${when}`));
      }, s.connectTimeoutMs);
    }
    let client: Client;
    try {
      log.debug(`Connecting to ${s.host} port ${s.port}.`);
      let sock: Socket;
      try {
        sock = await tcpConnect(s.host, s.port, s.family, abort.signal);
      } catch (e) {
        log.error(
          e instanceof TimeoutError
            ? describeConnectionError(e, s.user, s.host, s.port)
            : describeSocketError(e as NodeJS.ErrnoException, s.host, s.port),
        );
        return EXIT_FAILURE;
      }
      tcpConnected = true;
      log.debug('Connection established.');
      client = await connect({
        sock,
        host: s.host,
        port: s.port,
        username: s.user,
        auth,
        algorithms: { kex: s.kex, cipher: s.ciphers, mac: s.macs, hostKey: hostKeyAlgorithms },
        ...(s.rekeyBytes !== undefined ? { rekeyBytes: s.rekeyBytes } : {}),
        // No overall deadline: a person may take their time at a password prompt.
        timeoutMs: 2 ** 31 - 1,
        signal: abort.signal,
        hostKey: async (key) => {
          clearTimeout(timer);
          return this.#checkHostKey(key, knownHosts);
        },
        onBanner: (text) => {
          if (log.enabled('INFO')) this.#io.stderr.write(text);
        },
        onPreamble: (lines) => {
          for (const line of lines)
            log.debug(`kex_exchange_identification: banner line: ${sanitizeText(line)}`);
        },
        onKex: (n, first) => {
          if (!first) log.debug('rekeyed');
          log.debug(`kex: algorithm: ${n.kex}`);
          log.debug(`kex: host key algorithm: ${n.hostKey}`);
          log.debug(
            `kex: server->client cipher: ${n.cipherServerToClient} MAC: ${n.macServerToClient || '<implicit>'}`,
          );
          log.debug(
            `kex: client->server cipher: ${n.cipherClientToServer} MAC: ${n.macClientToServer || '<implicit>'}`,
          );
        },
      });
    } catch (e) {
      if (this.#cancelled) return EXIT_FAILURE;
      if (this.#hostKeyFailure) for (const line of this.#hostKeyFailure) log.error(line);
      else log.error(describeConnectionError(e, s.user, s.host, s.port));
      return EXIT_FAILURE;
    } finally {
      clearTimeout(timer);
    }
    log.debug(`Remote software version: ${sanitizeText(client.serverVersion)}`);
    log.verbose(`Authenticated to ${s.host} ([${s.host}]:${s.port}).`);
    return this.#session(client);
  }

  async #session(client: Client): Promise<number> {
    const s = this.#s;
    const log = this.#log;
    const stopKeepalive = this.#keepalive(client);
    const io: SessionIo = { stdin: this.#io.stdin, stdout: this.#io.stdout, stderr: this.#io.stderr, log };
    let wantTty =
      s.requestTty === 'force' ||
      s.requestTty === 'yes' ||
      (s.requestTty === 'auto' && s.command === '' && !s.subsystem);
    if (wantTty && s.requestTty !== 'force' && !io.stdin.isTTY) {
      log.info('Pseudo-terminal will not be allocated because stdin is not a terminal.');
      wantTty = false;
    }
    const pty = wantTty
      ? localPty(this.#io.env.TERM, io.stdin.isTTY ? localTerminalModes() : undefined)
      : undefined;
    try {
      const outcome = await runSession(
        client,
        {
          command: s.command,
          subsystem: s.subsystem,
          env: s.env,
          stdinNull: s.stdinNull,
          ...(pty ? { pty } : {}),
        },
        io,
      );
      const lost = client.closed ? await client.wait() : undefined;
      if (outcome.failed) {
        log.error(outcome.failed);
        return EXIT_FAILURE;
      }
      if (outcome.exitSignal)
        log.debug(`Remote command killed by signal ${sanitizeText(outcome.exitSignal.name)}`);
      if (outcome.exitStatus !== undefined) log.debug(`Exit status ${outcome.exitStatus}`);
      if (lost) log.error(describeConnectionError(lost, s.user, s.host, s.port));
      else if (pty) log.info(`Connection to ${s.host} closed.\r`);
      return outcome.exitSignal || outcome.exitStatus === undefined ? EXIT_FAILURE : outcome.exitStatus;
    } catch (e) {
      log.error(describeConnectionError(e, s.user, s.host, s.port));
      return EXIT_FAILURE;
    } finally {
      stopKeepalive();
      if (!client.closed) await client.close();
    }
  }

  /** ServerAliveInterval: a keepalive@openssh.com request each interval; too many unanswered ends it. */
  #keepalive(client: Client): () => void {
    const s = this.#s;
    if (s.serverAliveIntervalMs <= 0) return () => {};
    let missed = 0;
    const timer = setInterval(() => {
      if (missed >= s.serverAliveCountMax) {
        this.#log.error(`Timeout, server ${s.host} not responding.`);
        clearInterval(timer);
        void client.close();
        return;
      }
      missed++;
      client.globalRequest('keepalive@openssh.com').then(
        () => {
          missed = 0;
        },
        () => {},
      );
    }, s.serverAliveIntervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  async #checkHostKey(
    key: PublicKey,
    knownHosts: Awaited<ReturnType<typeof readKnownHostsFiles>>,
  ): Promise<boolean> {
    const s = this.#s;
    const log = this.#log;
    const label = keyTypeLabel(key.type);
    log.debug(`Server host key: ${key.type} ${fingerprintSha256(key)}`);
    const addTo = s.userKnownHostsFiles[0] ?? '/dev/null';
    const decision = decideHostKey(
      knownHosts,
      s.knownHostsHost,
      s.knownHostsPort,
      key,
      s.strictHostKeyChecking,
      addTo,
    );
    const name = s.knownHostsPort === 22 ? s.knownHostsHost : `[${s.knownHostsHost}]:${s.knownHostsPort}`;
    switch (decision.kind) {
      case 'accept':
        log.debug(`Host '${name}' is known and matches the ${label} host key.`);
        log.debug(`Found key in ${decision.path}:${decision.line}`);
        return true;
      case 'refuse':
        this.#hostKeyFailure = decision.message;
        return false;
      case 'ask': {
        if (s.batchMode || !hasControllingTerminal()) {
          this.#hostKeyFailure = [
            `No ${label} host key is known for ${name} and there is no terminal to ask on.`,
            'Host key verification failed.',
          ];
          return false;
        }
        if (!(await this.#confirmHostKey(decision.message, key))) {
          this.#hostKeyFailure = ['Host key verification failed.'];
          return false;
        }
        break;
      }
      case 'add':
        break;
    }
    try {
      await addKnownHost(addTo, s.knownHostsHost, s.knownHostsPort, key);
      log.info(`Warning: Permanently added '${name}' (${label}) to the list of known hosts.`);
    } catch (e) {
      log.info(`Failed to add the host to the list of known hosts (${addTo}): ${(e as Error).message}`);
    }
    return true;
  }

  /** StrictHostKeyChecking=ask: yes, no, or the fingerprint itself. */
  async #confirmHostKey(message: readonly string[], key: PublicKey): Promise<boolean> {
    let prompt = `${message.join('\r\n')}\r\nAre you sure you want to continue connecting (yes/no/[fingerprint])? `;
    for (;;) {
      let answer: string;
      try {
        answer = (await askOnTerminal(prompt, { echo: true })).trim();
      } catch {
        return false;
      }
      if (answer.toLowerCase() === 'yes' || answer === fingerprintSha256(key)) return true;
      if (answer.toLowerCase() === 'no') return false;
      if (answer.startsWith('SHA256:')) {
        this.#log.error('Warning: the fingerprint you typed does not match the host key.');
        return false;
      }
      prompt = "Please type 'yes', 'no' or the fingerprint: ";
    }
  }

  async #password(): Promise<string | undefined> {
    const s = this.#s;
    const source = choosePasswordSource(this.#io.env, hasControllingTerminal());
    if (source.kind === 'none') {
      this.#log.debug('No terminal or askpass program to ask for a password on');
      return undefined;
    }
    try {
      return await askPassword(source, `${s.user}@${s.host}'s password: `);
    } catch (e) {
      if (e instanceof PromptCancelledError) {
        this.#cancelled = true;
        this.#abort.abort(e);
        return undefined;
      }
      this.#log.debug(`password prompt: ${(e as Error).message}`);
      return undefined;
    }
  }
}

/** TCP to host:port; rejects with the socket error, or the signal's reason on abort. */
function tcpConnect(host: string, port: number, family: 0 | 4 | 6, signal: AbortSignal): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({ host, port, family });
    const onAbort = () => {
      socket.destroy();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      signal.removeEventListener('abort', onAbort);
      socket.setNoDelay(true);
      resolve(socket);
    });
    socket.once('error', (e) => {
      signal.removeEventListener('abort', onAbort);
      reject(e);
    });
  });
}
