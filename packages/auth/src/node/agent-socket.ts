/**
 * The Node adapter of the agent client: `connectAgent()` opens the unix socket named by
 * `SSH_AUTH_SOCK` (or a path) and returns an `AgentClient` over it. One request at a time, each
 * with a deadline; a request that times out, a frame that breaks the limits or an unsolicited
 * reply close the socket, since the stream can no longer be matched to requests.
 */
import { connect, type Socket } from 'node:net';
import { SshConnectionLostError, SshError, TimeoutError } from '@seashell/transport';
import { AgentClient, type AgentTransport } from '../agent/agent-client.js';
import { AgentProtocolError } from '../agent/agent-errors.js';
import { AgentFrameReader, frameAgentMessage } from '../agent/agent-framing.js';

/** Options of {@link connectAgent}. */
export interface ConnectAgentOptions {
  /** The agent's socket. Default: `SSH_AUTH_SOCK` from `env`. */
  readonly path?: string;
  /** Where `SSH_AUTH_SOCK` is looked up. Default: `process.env`. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Deadline of each request, and of the connect, in milliseconds. Default 30 s. */
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** There is no agent to talk to: no `SSH_AUTH_SOCK`, or nothing listening on it. */
export class AgentNotPresentError extends SshError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('ERR_SSH_AGENT_NOT_PRESENT', message, options);
  }
}

const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The path of the agent socket as ssh finds it: `SSH_AUTH_SOCK`, undefined when unset or empty.
 */
export function agentSocketPath(
  env: Readonly<Record<string, string | undefined>> = process.env,
): string | undefined {
  const path = env.SSH_AUTH_SOCK;
  return path === undefined || path === '' ? undefined : path;
}

/**
 * Connects to an ssh-agent.
 * @throws AgentNotPresentError when there is no socket path or the connect fails; TimeoutError.
 * @example
 * await using agent = await connectAgent();
 * const keys = await agent.list();
 */
export async function connectAgent(options: ConnectAgentOptions = {}): Promise<AgentClient> {
  const path = options.path ?? agentSocketPath(options.env);
  if (path === undefined) throw new AgentNotPresentError('SSH_AUTH_SOCK is not set');
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const socket = await openSocket(path, timeoutMs, options.signal);
  return new AgentClient(new SocketAgentTransport(socket, timeoutMs));
}

function openSocket(path: string, timeoutMs: number, signal: AbortSignal | undefined): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ path });
    const done = (error?: Error) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      socket.off('error', onError);
      if (error) {
        socket.destroy();
        reject(error);
      } else resolve(socket);
    };
    const onError = (e: NodeJS.ErrnoException) =>
      done(
        new AgentNotPresentError(`cannot connect to the agent at ${path}: ${e.code ?? e.message}`, {
          cause: e,
        }),
      );
    const onAbort = () => done(signal!.reason as Error);
    const timer = setTimeout(
      () => done(new TimeoutError(`connecting to the agent at ${path} timed out`)),
      timeoutMs,
    );
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', onError);
    socket.once('connect', () => done());
  });
}

interface Pending {
  readonly resolve: (reply: Uint8Array) => void;
  readonly reject: (error: Error) => void;
  readonly cleanup: () => void;
}

/** An `AgentTransport` over a connected stream socket. */
export class SocketAgentTransport implements AgentTransport {
  readonly #socket: Socket;
  readonly #timeoutMs: number;
  readonly #reader = new AgentFrameReader();
  #pending: Pending | undefined;
  #failure: Error | undefined;

  constructor(socket: Socket, timeoutMs = DEFAULT_TIMEOUT_MS) {
    this.#socket = socket;
    this.#timeoutMs = timeoutMs;
    // An idle agent connection does not keep the process alive.
    socket.unref();
    socket.on('data', (chunk: Buffer) => this.#receive(chunk));
    socket.on('error', (e) =>
      this.#fail(new SshConnectionLostError(`agent connection: ${e.message}`, { cause: e })),
    );
    socket.on('close', () => this.#fail(new SshConnectionLostError('the agent closed the connection')));
  }

  request(payload: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
    if (this.#failure) return Promise.reject(this.#failure);
    if (this.#pending) return Promise.reject(new Error('an agent request is already outstanding'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.#fail(new TimeoutError(`the agent did not answer within ${this.#timeoutMs} ms`)),
        this.#timeoutMs,
      );
      const onAbort = () => this.#fail(signal!.reason as Error);
      signal?.addEventListener('abort', onAbort, { once: true });
      const cleanup = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        this.#socket.unref();
      };
      this.#pending = { resolve, reject, cleanup };
      this.#socket.ref();
      this.#socket.write(frameAgentMessage(payload));
    });
  }

  close(): void {
    this.#fail(new SshError('ERR_SSH_AGENT_CLOSED', 'the agent connection was closed'));
  }

  #receive(chunk: Uint8Array): void {
    this.#reader.push(chunk);
    try {
      for (let reply = this.#reader.next(); reply; reply = this.#reader.next()) {
        const pending = this.#pending;
        if (pending === undefined) throw new AgentProtocolError('the agent sent a reply nobody asked for');
        this.#pending = undefined;
        pending.cleanup();
        pending.resolve(reply);
      }
    } catch (e) {
      this.#fail(e as Error);
    }
  }

  /** Ends the connection: whatever is pending gets `error`, later requests too. */
  #fail(error: Error): void {
    this.#failure ??= error;
    const pending = this.#pending;
    this.#pending = undefined;
    if (pending) {
      pending.cleanup();
      pending.reject(error);
    }
    this.#socket.destroy();
  }
}
