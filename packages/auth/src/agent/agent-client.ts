/**
 * The client side of the ssh-agent protocol (draft-miller-ssh-agent §5; OpenSSH PROTOCOL.agent):
 * list the agent's keys, have it sign, add and remove keys, lock it. It talks through an
 * `AgentTransport` that carries one request payload and brings back one reply payload; the Node
 * adapter (`connectAgent` in `@seashell/auth/node`) does that over a unix socket, with a timeout.
 * Requests go one at a time and replies are matched in order, as the protocol has no request ids.
 *
 * @example
 * await using agent = await connectAgent(); // SSH_AUTH_SOCK
 * for (const { publicKey, comment } of await agent.list()) console.log(publicKey?.type, comment);
 * const signature = await agent.sign(key, data, 'rsa-sha2-256');
 */
import {
  decodeSignatureBlob,
  type Fields,
  type FieldsType,
  type MessageSpec,
  type PublicKey,
  parsePublicKey,
  SshError,
  SshReader,
} from '@seashell/transport';
import { isWritablePrivateKey, type OpenSshPrivateKeyType } from '../keys/private-key-fields.js';
import type { AgentConstraint } from './agent-constraints.js';
import { AgentFailureError, AgentProtocolError } from './agent-errors.js';
import {
  AgentAddIdConstrained,
  AgentAddIdentity,
  AgentExtension,
  AgentExtensionResponse,
  AgentIdentitiesAnswer,
  AgentLock,
  AgentQueryReply,
  AgentRemoveAllIdentities,
  AgentRemoveIdentity,
  AgentRequestIdentities,
  AgentSessionBind,
  AgentSignRequest,
  AgentSignResponse,
  AgentUnlock,
} from './agent-messages.js';
import {
  agentMessageName,
  agentSignFlags,
  AgentMessageNumber as N,
  plainSignatureAlgorithm,
  QUERY_EXTENSION,
  SESSION_BIND_EXTENSION,
} from './agent-protocol.js';

/** Carries one request to the agent and its reply back (payloads, without the length frame). */
export interface AgentTransport {
  /** Sends `payload`; resolves with the next reply. Only one request is outstanding at a time. */
  request(payload: Uint8Array, signal?: AbortSignal): Promise<Uint8Array>;
  close(): void | Promise<void>;
}

/** A key the agent holds. */
export interface AgentIdentity {
  /** The public key blob as the agent sent it. */
  readonly blob: Uint8Array;
  readonly comment: string;
  /** The parsed key; undefined for a type we do not parse (a certificate, a security key). */
  readonly publicKey: PublicKey | undefined;
}

/** Constraints for `AgentClient.add` (draft-miller-ssh-agent §5.2.7). */
export interface AgentAddOptions {
  readonly comment?: string;
  /** The agent forgets the key after this many seconds (`ssh-add -t`). */
  readonly lifetimeSeconds?: number;
  /** The agent asks before each use (`ssh-add -c`). */
  readonly confirm?: boolean;
  /** More constraints, sent after the two above. */
  readonly constraints?: readonly AgentConstraint[];
}

/** `session-bind@openssh.com` (PROTOCOL.agent §1): the session this agent connection serves. */
export interface AgentSessionBinding {
  readonly hostKey: PublicKey | Uint8Array;
  /** The exchange hash H of the session's first key exchange. */
  readonly sessionId: Uint8Array;
  /** The host key's signature of `sessionId`, as sent in the key exchange reply. */
  readonly signature: Uint8Array;
  /** True when the connection is a forwarded agent, false when it is for our own authentication. */
  readonly forwarding: boolean;
}

export interface AgentRequestOptions {
  readonly signal?: AbortSignal;
}

const textEncoder = new TextEncoder();
const FAILURES: ReadonlySet<number> = new Set([
  N.SSH_AGENT_FAILURE,
  N.SSH_AGENT_EXTENSION_FAILURE,
  30, // SSH2_AGENT_FAILURE: old ssh.com agents; OpenSSH's client counts it as a failure too
  102, // SSH_COM_AGENT2_FAILURE, likewise
]);

/** An ssh-agent client over any transport. */
export class AgentClient {
  readonly #transport: AgentTransport;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(transport: AgentTransport) {
    this.#transport = transport;
  }

  /** The keys the agent holds, in its order (SSH_AGENTC_REQUEST_IDENTITIES). */
  async list(options: AgentRequestOptions = {}): Promise<AgentIdentity[]> {
    const reply = await this.#call(AgentRequestIdentities.encode({}), options);
    const { identities } = expectReply(reply, AgentIdentitiesAnswer, 'SSH_AGENTC_REQUEST_IDENTITIES');
    return identities.map(({ key, comment }) => ({
      blob: key.slice(),
      comment,
      publicKey: parseOrUndefined(key),
    }));
  }

  /**
   * Has the agent sign `data` with `key` (SSH_AGENTC_SIGN_REQUEST) and returns the signature blob.
   * For an RSA key the algorithm picks the flags: `rsa-sha2-512` (the default) → 4,
   * `rsa-sha2-256` → 2, `ssh-rsa` (SHA-1) → 0. A signature of another algorithm than the one
   * asked for is refused, as ssh refuses it.
   * @throws AgentFailureError when the agent refuses (unknown key, locked, refused confirmation).
   */
  async sign(
    key: PublicKey | Uint8Array,
    data: Uint8Array,
    algorithm?: string,
    options: AgentRequestOptions = {},
  ): Promise<Uint8Array> {
    const blob = key instanceof Uint8Array ? key : key.blob;
    const alg = algorithm ?? defaultAlgorithm(key instanceof Uint8Array ? keyTypeOf(blob) : key.type);
    const flags = agentSignFlags(alg);
    const reply = await this.#call(AgentSignRequest.encode({ key: blob, data, flags }), options);
    const { signature } = expectReply(reply, AgentSignResponse, 'SSH_AGENTC_SIGN_REQUEST');
    let signed: string;
    try {
      signed = decodeSignatureBlob(signature).algorithm;
    } catch (e) {
      throw new AgentProtocolError('the agent sent a malformed signature blob', { cause: e });
    }
    // sshconnect2.c `identity_sign`: sshkey_check_sigtype, no silent SHA-1 for SHA-2.
    const wanted = plainSignatureAlgorithm(alg);
    if (signed !== wanted)
      throw new AgentProtocolError(
        `the agent signed with ${JSON.stringify(signed.slice(0, 64))}, not ${wanted}`,
      );
    return signature.slice();
  }

  /**
   * Adds a private key (SSH_AGENTC_ADD_IDENTITY, or SSH_AGENTC_ADD_ID_CONSTRAINED with
   * constraints). Adding a key the agent holds replaces its comment and constraints.
   * @throws AgentFailureError when the agent refuses the key or a constraint.
   */
  async add(
    key: OpenSshPrivateKeyType,
    options: AgentAddOptions = {},
    request: AgentRequestOptions = {},
  ): Promise<void> {
    if (!isWritablePrivateKey(key))
      throw new TypeError('only ed25519, ECDSA and RSA keys can be sent to an agent');
    const constraints: AgentConstraint[] = [];
    if (options.lifetimeSeconds !== undefined) {
      const seconds = options.lifetimeSeconds;
      if (!Number.isInteger(seconds) || seconds < 0 || seconds > 0xffffffff)
        throw new RangeError(`lifetime of ${seconds} seconds is not a uint32`);
      constraints.push({ type: 'lifetime', seconds });
    }
    if (options.confirm) constraints.push({ type: 'confirm' });
    constraints.push(...(options.constraints ?? []));
    const comment = options.comment ?? '';
    const payload =
      constraints.length === 0
        ? AgentAddIdentity.encode({ key, comment })
        : AgentAddIdConstrained.encode({ key, comment, constraints });
    const name = constraints.length === 0 ? 'SSH_AGENTC_ADD_IDENTITY' : 'SSH_AGENTC_ADD_ID_CONSTRAINED';
    expectSuccess(await this.#call(payload, request), name);
  }

  /** Removes one key (SSH_AGENTC_REMOVE_IDENTITY). @throws AgentFailureError when it is not there. */
  async remove(key: PublicKey | Uint8Array, options: AgentRequestOptions = {}): Promise<void> {
    const blob = key instanceof Uint8Array ? key : key.blob;
    const reply = await this.#call(AgentRemoveIdentity.encode({ key: blob }), options);
    expectSuccess(reply, 'SSH_AGENTC_REMOVE_IDENTITY');
  }

  /** Removes every key (SSH_AGENTC_REMOVE_ALL_IDENTITIES). */
  async removeAll(options: AgentRequestOptions = {}): Promise<void> {
    const reply = await this.#call(AgentRemoveAllIdentities.encode({}), options);
    expectSuccess(reply, 'SSH_AGENTC_REMOVE_ALL_IDENTITIES');
  }

  /** Locks the agent with a passphrase (SSH_AGENTC_LOCK): it lists nothing and signs nothing. */
  async lock(passphrase: string | Uint8Array, options: AgentRequestOptions = {}): Promise<void> {
    const reply = await this.#call(AgentLock.encode({ passphrase: passphraseBytes(passphrase) }), options);
    expectSuccess(reply, 'SSH_AGENTC_LOCK');
  }

  /** Unlocks it (SSH_AGENTC_UNLOCK). @throws AgentFailureError for a wrong passphrase. */
  async unlock(passphrase: string | Uint8Array, options: AgentRequestOptions = {}): Promise<void> {
    const reply = await this.#call(AgentUnlock.encode({ passphrase: passphraseBytes(passphrase) }), options);
    expectSuccess(reply, 'SSH_AGENTC_UNLOCK');
  }

  /**
   * Sends SSH_AGENTC_EXTENSION `name` with `contents` after it and returns the reply payload
   * (SSH_AGENT_SUCCESS or SSH_AGENT_EXTENSION_RESPONSE with whatever the extension defines).
   * @throws AgentFailureError for SSH_AGENT_FAILURE or SSH_AGENT_EXTENSION_FAILURE.
   */
  async extension(
    name: string,
    contents: Uint8Array = new Uint8Array(0),
    options: AgentRequestOptions = {},
  ): Promise<Uint8Array> {
    const reply = await this.#call(AgentExtension.encode({ name, contents }), options);
    if (FAILURES.has(reply[0]!)) throw new AgentFailureError(`the ${name} extension`);
    return reply;
  }

  /**
   * The extensions the agent supports (the `query` extension, draft-miller-ssh-agent §5.8.1).
   * Accepts the names after SSH_AGENT_SUCCESS (the drafts) or in SSH_AGENT_EXTENSION_RESPONSE
   * (RFC 9987). @throws AgentFailureError when the agent has no `query` (OpenSSH 9.2 has none).
   */
  async query(options: AgentRequestOptions = {}): Promise<string[]> {
    const reply = await this.extension(QUERY_EXTENSION, undefined, options);
    try {
      if (reply[0] === N.SSH_AGENT_SUCCESS) return AgentQueryReply.decode(reply.subarray(1)).names;
      const response = expectReply(reply, AgentExtensionResponse, 'the query extension');
      if (response.name !== QUERY_EXTENSION)
        throw new AgentProtocolError('query answered for another extension');
      return AgentQueryReply.decode(response.contents).names;
    } catch (e) {
      if (e instanceof AgentProtocolError) throw e;
      throw new AgentProtocolError('malformed reply to the query extension', { cause: e });
    }
  }

  /**
   * Binds this agent connection to an SSH session (`session-bind@openssh.com`), as ssh does before
   * it uses the agent, so that the agent can enforce destination constraints.
   * @throws AgentFailureError when the agent refuses (OpenSSH 9.2's ssh carries on after that).
   */
  async sessionBind(binding: AgentSessionBinding, options: AgentRequestOptions = {}): Promise<void> {
    const hostKey = binding.hostKey instanceof Uint8Array ? binding.hostKey : binding.hostKey.blob;
    const contents = AgentSessionBind.encode({
      hostKey,
      sessionId: binding.sessionId,
      signature: binding.signature,
      forwarding: binding.forwarding,
    });
    expectSuccess(await this.extension(SESSION_BIND_EXTENSION, contents, options), SESSION_BIND_EXTENSION);
  }

  /** Closes the connection to the agent. */
  async close(): Promise<void> {
    await this.#transport.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** One request at a time: the protocol matches replies to requests by their order only. */
  #call(payload: Uint8Array, options: AgentRequestOptions): Promise<Uint8Array> {
    const run = this.#queue.then(() => {
      options.signal?.throwIfAborted();
      return this.#transport.request(payload, options.signal);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }
}

function expectSuccess(reply: Uint8Array, request: string): void {
  const type = reply[0]!;
  if (FAILURES.has(type)) throw new AgentFailureError(request);
  // Bytes after SSH_AGENT_SUCCESS are an extension's business; a plain request ignores them.
  if (type !== N.SSH_AGENT_SUCCESS)
    throw new AgentProtocolError(`the agent answered ${request} with ${agentMessageName(type)}`);
}

function expectReply<F extends Fields>(
  reply: Uint8Array,
  spec: MessageSpec<F>,
  request: string,
): FieldsType<F> {
  const type = reply[0]!;
  if (FAILURES.has(type)) throw new AgentFailureError(request);
  if (type !== spec.number)
    throw new AgentProtocolError(`the agent answered ${request} with ${agentMessageName(type)}`);
  try {
    return spec.decode(reply);
  } catch (e) {
    throw new AgentProtocolError(`malformed ${spec.name}: ${(e as Error).message}`, { cause: e });
  }
}

function parseOrUndefined(blob: Uint8Array): PublicKey | undefined {
  try {
    return parsePublicKey(blob);
  } catch (e) {
    if (e instanceof SshError) return undefined;
    throw e;
  }
}

function keyTypeOf(blob: Uint8Array): string {
  try {
    return new SshReader(blob).ascii();
  } catch {
    throw new TypeError('not a public key blob');
  }
}

/** What ssh asks for when nothing is named: SHA-512 for RSA keys and their certificates. */
function defaultAlgorithm(keyType: string): string {
  if (keyType === 'ssh-rsa') return 'rsa-sha2-512';
  if (keyType === 'ssh-rsa-cert-v01@openssh.com') return 'rsa-sha2-512-cert-v01@openssh.com';
  return keyType;
}

function passphraseBytes(passphrase: string | Uint8Array): Uint8Array {
  return typeof passphrase === 'string' ? textEncoder.encode(passphrase) : passphrase;
}
