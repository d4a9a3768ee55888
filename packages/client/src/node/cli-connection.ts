/**
 * One run of the `seashell` program once its settings are known: TCP connect (ConnectTimeout),
 * host key check, authentication with the identity files (passphrases asked when a server wants
 * an encrypted key) and a prompted password, one session,
 * and the exit status ssh would give — the remote status, or 255 for a failure of the connection,
 * the host key or authentication, and for a remote command killed by a signal.
 */
import { connect as netConnect, type Socket } from 'node:net';
import type { AgentClient } from '@seashell/auth';
import { fingerprintSha256, sanitizeText, TimeoutError } from '@seashell/transport';
import { agentKeyMethod } from './agent-auth.js';
import { identityFileKeys, type KeyOffer, openAgent, orderKeyOffers } from './agent-identities.js';
import { ALGORITHM_OPTIONS } from './algorithm-list.js';
import { describeConnectionError, describeSocketError } from './cli-errors.js';
import { CliLog } from './cli-log.js';
import { localPty, runSession, type SessionIo } from './cli-session.js';
import type { CliSettings } from './cli-settings.js';
import { type AuthMethod, type Client, connect } from './client.js';
import { HostKeyVerifier } from './host-key-verifier.js';
import {
  certificateFileSpecs,
  certificateMethods,
  loadCertificates,
  loadIdentities,
  publicKeyMethod,
} from './identities.js';
import { readKnownHostsFiles } from './known-hosts-policy.js';
import { askPassword, choosePasswordSource } from './password-prompt.js';
import { startServerAlive } from './server-alive.js';
import { hasControllingTerminal, localTerminalModes, PromptCancelledError } from './tty.js';

/** Exit status for every failure of our own, as ssh. */
export const EXIT_FAILURE = 255;

/** The process's streams and environment. */
export interface CliStreams {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly stdin: NodeJS.ReadStream;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
}

export class CliConnection {
  readonly #s: CliSettings;
  readonly #io: CliStreams;
  readonly #log: CliLog;
  /** Aborts the handshake: ConnectTimeout, or ^C at a password prompt. */
  readonly #abort = new AbortController();
  #cancelled = false;
  #passwordAttempts = 0;
  /** The agent connection while authenticating. */
  #agent: AgentClient | undefined;

  constructor(settings: CliSettings, io: CliStreams) {
    this.#s = settings;
    this.#io = io;
    this.#log = new CliLog(settings.logLevel, (text) => io.stderr.write(text));
  }

  /** Runs to the end; resolves with the exit status. */
  async run(): Promise<number> {
    const client = await this.#connect();
    return client ? this.#session(client) : EXIT_FAILURE;
  }

  async #connect(): Promise<Client | undefined> {
    const s = this.#s;
    const log = this.#log;
    for (const keyword of new Set(s.ignored)) log.debug(`${keyword}: not used by seashell; ignored`);

    const verifier = new HostKeyVerifier({
      host: s.knownHostsHost,
      port: s.knownHostsPort,
      strict: s.strictHostKeyChecking,
      files: await readKnownHostsFiles([...s.userKnownHostsFiles, ...s.globalKnownHostsFiles], log),
      addTo: s.userKnownHostsFiles[0] ?? '/dev/null',
      batchMode: s.batchMode,
      log,
    });
    const auth = await this.#authMethods();

    // ConnectTimeout covers the TCP connect and the handshake, up to the host key (ssh_config(5)).
    let tcpConnected = false;
    const timer =
      s.connectTimeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            const when = tcpConnected ? ' during the SSH handshake' : '';
            this.#abort.abort(new TimeoutError(`Connection timed out${when}`));
          }, s.connectTimeoutMs);
    try {
      log.debug(`Connecting to ${s.host} port ${s.port}.`);
      let sock: Socket;
      try {
        sock = await tcpConnect(s.host, s.port, s.family, this.#abort.signal);
      } catch (e) {
        log.error(
          e instanceof TimeoutError
            ? describeConnectionError(e, s.user, s.host, s.port)
            : describeSocketError(e as NodeJS.ErrnoException, s.host, s.port),
        );
        return undefined;
      }
      tcpConnected = true;
      log.debug('Connection established.');
      const client = await connect({
        sock,
        host: s.host,
        port: s.port,
        username: s.user,
        auth,
        algorithms: {
          kex: s.kex,
          cipher: s.ciphers,
          mac: s.macs,
          hostKey:
            s.hostKeyAlgorithms ?? verifier.preferKnownTypes(ALGORITHM_OPTIONS.HostKeyAlgorithms.defaults),
        },
        ...(s.rekeyBytes !== undefined ? { rekeyBytes: s.rekeyBytes } : {}),
        // No overall deadline: a person may take their time at a password prompt.
        timeoutMs: 2 ** 31 - 1,
        signal: this.#abort.signal,
        hostKey: (key) => {
          clearTimeout(timer);
          return verifier.verify(key);
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
      log.debug(`Remote software version: ${sanitizeText(client.serverVersion)}`);
      log.verbose(`Authenticated to ${s.host} ([${s.host}]:${s.port}).`);
      return client;
    } catch (e) {
      if (this.#cancelled) return undefined;
      if (verifier.failure) for (const line of verifier.failure) log.error(line);
      else log.error(describeConnectionError(e, s.user, s.host, s.port));
      return undefined;
    } finally {
      clearTimeout(timer);
      await this.#agent?.close();
    }
  }

  /**
   * PreferredAuthentications order: the keys — the agent's first, then the identity files, as ssh
   * orders them (agent-identities.ts) — then the password.
   */
  async #authMethods(): Promise<AuthMethod[]> {
    const s = this.#s;
    const pubkey = s.authMethods.includes('publickey');
    const identities =
      pubkey && s.identityFiles.length > 0
        ? await loadIdentities(s.identityFiles, s.identitiesExplicit, this.#log, {
            // BatchMode (NumberOfPasswordPrompts 0): encrypted keys are offered, never unlocked.
            ...(s.passwordPrompts > 0 ? { askPassphrase: (prompt: string) => this.#ask(prompt) } : {}),
            attempts: s.passwordPrompts,
          })
        : [];
    const agent =
      pubkey && s.identityAgent !== undefined ? await openAgent(s.identityAgent, this.#log) : undefined;
    this.#agent = agent?.agent;
    const files = agent
      ? await identityFileKeys(s.identityFiles, identities)
      : identities.map((identity) => ({ path: identity.path, identity, publicKey: identity.publicKey }));
    const offers = orderKeyOffers(agent?.keys ?? [], files, s.identitiesOnly);
    const certificates = pubkey
      ? await loadCertificates(certificateFileSpecs(s.identityFiles, s.certificateFiles), this.#log)
      : [];
    const certified = new Set<string>();
    const auth: AuthMethod[] = [];
    for (const method of s.authMethods) {
      if (method === 'publickey') {
        for (const offer of offers) {
          const m =
            offer.kind === 'file'
              ? publicKeyMethod(offer.identity, s.pubkeyAcceptedAlgorithms)
              : this.#agentMethod(agent!.agent, offer);
          const label = offer.kind === 'file' ? offer.identity.path : agentKeyLabel(offer);
          if (m?.type === 'publickey' && 'sign' in m) {
            // The key's certificates go first, signed by the same key (ssh: "for certificate").
            const key = offer.kind === 'file' ? offer.identity.publicKey : offer.identity.publicKey!;
            const forKey = certificateMethods(certificates, key, s.pubkeyAcceptedAlgorithms, m.sign);
            for (const c of certificates) if (c.certificate.key.equals(key)) certified.add(c.path);
            auth.push(...forKey);
          }
          if (m) auth.push(m);
          else this.#log.debug(`Skipping ${label}: its key type is not in PubkeyAcceptedAlgorithms`);
        }
        for (const c of certificates)
          if (!certified.has(c.path))
            this.#log.info(`Certificate ${c.path}: no identity holds the key it certifies; not offered`);
      } else if (s.passwordPrompts > 0) {
        auth.push({ type: 'password', attempts: s.passwordPrompts, password: () => this.#password() });
      }
    }
    return auth;
  }

  /** An agent key as an auth method; a refused signature is reported as ssh reports it. */
  #agentMethod(agent: AgentClient, offer: Extract<KeyOffer, { kind: 'agent' }>): AuthMethod | undefined {
    const method = agentKeyMethod(agent, offer.identity, this.#s.pubkeyAcceptedAlgorithms);
    if (method === undefined || method.type !== 'publickey' || !('sign' in method)) return undefined;
    const label = agentKeyLabel(offer);
    const key = method.publicKey;
    this.#log.debug(
      `Will attempt key: ${label} ${key.type} ${fingerprintSha256(key)}${offer.path ? ' explicit' : ''} agent`,
    );
    return {
      type: 'publickey',
      publicKey: key,
      sign: async (data, algorithm) => {
        try {
          return await method.sign(data, algorithm);
        } catch (e) {
          this.#log.error(
            `sign_and_send_pubkey: signing failed for ${key.type} "${label}" from agent: ${(e as Error).message}`,
          );
          throw e;
        }
      },
    };
  }

  async #password(): Promise<string | undefined> {
    const s = this.#s;
    if (this.#passwordAttempts++ > 0) this.#log.error('Permission denied, please try again.');
    return this.#ask(`${s.user}@${s.host}'s password: `);
  }

  /** Asks on the terminal or through SSH_ASKPASS, as ssh(1) does for passwords and passphrases. */
  async #ask(prompt: string): Promise<string | undefined> {
    const source = choosePasswordSource(this.#io.env, hasControllingTerminal());
    if (source.kind === 'none') {
      this.#log.debug('No terminal or askpass program to ask on');
      return undefined;
    }
    try {
      return await askPassword(source, prompt);
    } catch (e) {
      if (e instanceof PromptCancelledError) {
        // ^C at the prompt ends the program, as it ends ssh.
        this.#cancelled = true;
        this.#abort.abort(e);
      } else this.#log.debug(`prompt: ${(e as Error).message}`);
      return undefined;
    }
  }

  async #session(client: Client): Promise<number> {
    const s = this.#s;
    const log = this.#log;
    const stopServerAlive = startServerAlive(client, s.serverAliveIntervalMs, s.serverAliveCountMax, () => {
      log.error(`Timeout, server ${s.host} not responding.`);
      void client.close();
    });
    const io: SessionIo = { stdin: this.#io.stdin, stdout: this.#io.stdout, stderr: this.#io.stderr, log };
    // ssh's RequestTTY: a pty for a shell (auto), or when asked; not on a pipe unless forced.
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
      stopServerAlive();
      if (!client.closed) await client.close();
    }
  }
}

/** How ssh names an agent key in its messages: the identity file it stands for, or its comment. */
function agentKeyLabel(offer: Extract<KeyOffer, { kind: 'agent' }>): string {
  return offer.path ?? sanitizeText(offer.identity.comment, 200);
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
