/**
 * The Node adapter of the keyring: `listenAgent(keyring, { path })` serves the agent protocol on
 * a unix socket of mode 0600, one `AgentKeyringConnection` per client, so that ssh, ssh-add and
 * ssh-keygen can use the keys (`SSH_AUTH_SOCK=PATH`). A frame of length 0 or over 256 KiB closes
 * that client's socket; a wrong unlock passphrase slows the reply, as OpenSSH's agent does.
 * Node cannot check the peer's uid (no SO_PEERCRED), so put the socket in a 0700 directory.
 */
import { chmod, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { AgentFrameReader, frameAgentMessage } from '../agent/agent-framing.js';
import type { AgentKeyring } from '../agent/agent-keyring.js';
import { AgentMessageNumber } from '../agent/agent-protocol.js';

/** Options of {@link listenAgent}. */
export interface ListenAgentOptions {
  /** The socket to create; it must not exist. */
  readonly path: string;
  /** Debug lines: connections, refusals, framing errors. */
  readonly log?: (message: string) => void;
}

/** OpenSSH's agent waits 0.1 s more after each failed unlock, up to 10 s. */
const UNLOCK_PENALTY_MS = 100;
const MAX_UNLOCK_PENALTY_MS = 10_000;

/**
 * Serves `keyring` on a new unix socket.
 * @example
 * const keyring = new AgentKeyring({ now: Date.now });
 * await using agent = await listenAgent(keyring, { path: join(privateDir, 'agent.sock') });
 * spawnSync('ssh-add', ['-l'], { env: { ...process.env, SSH_AUTH_SOCK: agent.path } });
 */
export async function listenAgent(keyring: AgentKeyring, options: ListenAgentOptions): Promise<AgentServer> {
  const server = new AgentServer(keyring, options);
  await server.listen();
  return server;
}

/** A listening agent socket. */
export class AgentServer {
  readonly path: string;
  readonly #keyring: AgentKeyring;
  readonly #log: (message: string) => void;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  #expiry: NodeJS.Timeout | undefined;
  #clients = 0;

  constructor(keyring: AgentKeyring, options: ListenAgentOptions) {
    this.path = options.path;
    this.#keyring = keyring;
    this.#log = options.log ?? (() => {});
    this.#server = createServer((socket) => this.#serve(socket));
  }

  /** Binds the socket with mode 0600. */
  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      // The socket file takes its mode from the umask at bind(), which listen() does before it
      // returns for a path: make it 0600 from the start where we may (not in worker threads),
      // for that one call only, and chmod after in any case.
      let previous: number | undefined;
      try {
        previous = process.umask(0o177);
      } catch {
        previous = undefined;
      }
      try {
        this.#server.listen(this.path, () => {
          this.#server.off('error', reject);
          resolve();
        });
      } finally {
        if (previous !== undefined) process.umask(previous);
      }
    });
    await chmod(this.path, 0o600);
    this.#scheduleExpiry();
  }

  /** Stops listening, drops every client and removes the socket file. */
  async close(): Promise<void> {
    clearTimeout(this.#expiry);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await rm(this.path, { force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #serve(socket: Socket): void {
    const label = `client ${++this.#clients}`;
    this.#sockets.add(socket);
    socket.once('close', () => this.#sockets.delete(socket));
    socket.on('error', (e) => this.#log(`${label}: ${e.message}`));
    const connection = this.#keyring.connection({ label });
    const reader = new AgentFrameReader();
    const queue: Uint8Array[] = [];
    let delayed = false;

    const write = (reply: Uint8Array) => {
      if (!socket.write(frameAgentMessage(reply))) {
        // The client does not read its replies: stop reading its requests until it does.
        socket.pause();
        socket.once('drain', () => socket.resume());
      }
    };
    const pump = () => {
      while (!delayed && queue.length > 0) {
        const request = queue.shift()!;
        let reply: Uint8Array;
        try {
          reply = connection.handle(request);
        } catch (e) {
          this.#log(`${label}: internal error: ${(e as Error).message}`);
          socket.destroy();
          return;
        }
        this.#scheduleExpiry();
        const penalty =
          request[0] === AgentMessageNumber.SSH_AGENTC_UNLOCK &&
          reply[0] === AgentMessageNumber.SSH_AGENT_FAILURE
            ? Math.min(UNLOCK_PENALTY_MS * this.#keyring.failedUnlocks, MAX_UNLOCK_PENALTY_MS)
            : 0;
        if (penalty === 0) {
          write(reply);
          continue;
        }
        delayed = true;
        socket.pause();
        setTimeout(() => {
          delayed = false;
          if (socket.destroyed) return;
          write(reply);
          socket.resume();
          pump();
        }, penalty);
      }
    };
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      try {
        for (let m = reader.next(); m; m = reader.next()) queue.push(m);
      } catch (e) {
        this.#log(`${label}: ${(e as Error).message}; closing`);
        socket.destroy();
        return;
      }
      pump();
    });
  }

  /** Drops expired keys when their time comes, not only at the next request. */
  #scheduleExpiry(): void {
    clearTimeout(this.#expiry);
    const wait = this.#keyring.msUntilExpiry();
    if (wait === undefined) return;
    this.#expiry = setTimeout(
      () => {
        this.#keyring.handleTimeout();
        this.#scheduleExpiry();
      },
      Math.min(wait, 2 ** 31 - 1),
    );
    this.#expiry.unref();
  }
}
