/**
 * Public key authentication (RFC 4252 §7) with keys held by an ssh-agent: each key the agent
 * lists becomes a `publickey` method whose signatures the agent makes, with the RSA hash asked
 * for by its flags (draft-miller-ssh-agent §5.3).
 *
 * @example
 * await using agent = await connectAgent(); // @seashell/auth/node, SSH_AUTH_SOCK
 * const client = await connect({ host, username, auth: await agentAuth(agent), hostKey });
 */
import type { AgentClient, AgentIdentity } from '@seashell/auth';
import type { PublicKey } from '@seashell/transport';
import type { AuthMethod } from './client.js';

/** Options of {@link agentAuth}. */
export interface AgentAuthOptions {
  /** Signature algorithms we may use (PubkeyAcceptedAlgorithms); default: all each key has. */
  readonly accepted?: readonly string[];
  /** Which of the agent's keys to offer; default: every key of a type we parse. */
  readonly filter?: (identity: AgentIdentity) => boolean;
  readonly signal?: AbortSignal;
}

/** The agent's keys, in its order, as auth methods for `connect()`. */
export async function agentAuth(agent: AgentClient, options: AgentAuthOptions = {}): Promise<AuthMethod[]> {
  const identities = await agent.list(options.signal ? { signal: options.signal } : {});
  const methods: AuthMethod[] = [];
  for (const identity of identities) {
    if (options.filter && !options.filter(identity)) continue;
    const method = agentKeyMethod(agent, identity, options.accepted);
    if (method) methods.push(method);
  }
  return methods;
}

/**
 * One agent key as an auth method offering only the algorithms `accepted` allows; undefined for a
 * key we cannot parse or that has no accepted algorithm.
 */
export function agentKeyMethod(
  agent: AgentClient,
  identity: AgentIdentity,
  accepted?: readonly string[],
): AuthMethod | undefined {
  const key = identity.publicKey;
  if (key === undefined) return undefined;
  const publicKey = offeringAlgorithms(key, accepted);
  if (publicKey === undefined) return undefined;
  return { type: 'publickey', publicKey, sign: (data, algorithm) => agent.sign(key, data, algorithm) };
}

/**
 * `key` as offered with the algorithms `accepted` allows (an RSA key signs with several), in the
 * key's order; undefined when none is allowed. Without `accepted`, the key itself.
 */
export function offeringAlgorithms(key: PublicKey, accepted?: readonly string[]): PublicKey | undefined {
  if (accepted === undefined) return key;
  const algorithms = key.signatureAlgorithms.filter((a) => accepted.includes(a));
  if (algorithms.length === 0) return undefined;
  return {
    type: key.type,
    blob: key.blob,
    signatureAlgorithms: algorithms,
    verify: (data, signature, allowed) => key.verify(data, signature, allowed),
    equals: (other) => key.equals(other),
  };
}
