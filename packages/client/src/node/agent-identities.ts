/**
 * Which keys the `seashell` CLI offers, and in which order, when an agent is there — as ssh(1)
 * decides it (sshconnect2.c `pubkey_prepare`): first the agent's keys in the agent's order, an
 * agent key that is also an identity file's key taking that file's place (signed by the agent);
 * then the identity files the agent does not hold. With IdentitiesOnly, an agent key is offered
 * only when it is an identity file's key, which the file's `.pub` beside it is enough to name (so
 * a passphrase-protected key added to the agent can be used).
 */
import { readFile } from 'node:fs/promises';
import { type AgentClient, type AgentIdentity, parsePublicKeyLine } from '@seashell/auth';
import { connectAgent } from '@seashell/auth/node';
import type { PublicKey } from '@seashell/transport';
import type { CliLog } from './cli-log.js';
import type { Identity } from './identities.js';

/** A key to offer: signed by the agent, or by a loaded identity file. */
export type KeyOffer =
  | { readonly kind: 'agent'; readonly identity: AgentIdentity; readonly path?: string }
  | { readonly kind: 'file'; readonly identity: Identity };

/** An identity file and what we know of its key. */
export interface IdentityFileKey {
  readonly path: string;
  /** The key, from the private file or the `.pub` beside it; undefined when neither was read. */
  readonly publicKey: PublicKey | undefined;
  /** The loaded private key, when it could be loaded. */
  readonly identity: Identity | undefined;
}

/** ssh's order (`pubkey_prepare`): agent keys first, then the files the agent does not hold. */
export function orderKeyOffers(
  agentKeys: readonly AgentIdentity[],
  files: readonly IdentityFileKey[],
  identitiesOnly: boolean,
): KeyOffer[] {
  const offers: KeyOffer[] = [];
  const used = new Set<IdentityFileKey>();
  for (const identity of agentKeys) {
    const key = identity.publicKey;
    if (key === undefined) continue;
    const file = files.find((f) => !used.has(f) && f.publicKey?.equals(key));
    if (file) {
      used.add(file);
      offers.push({ kind: 'agent', identity, path: file.path });
    } else if (!identitiesOnly) offers.push({ kind: 'agent', identity });
  }
  for (const file of files)
    if (!used.has(file) && file.identity) offers.push({ kind: 'file', identity: file.identity });
  return offers;
}

/** Each identity file with its public key: the loaded private key's, else the `.pub` file's. */
export async function identityFileKeys(
  paths: readonly string[],
  loaded: readonly Identity[],
): Promise<IdentityFileKey[]> {
  const out: IdentityFileKey[] = [];
  for (const path of paths) {
    const identity = loaded.find((i) => i.path === path);
    out.push({
      path,
      identity,
      publicKey: identity?.publicKey ?? (await readPublicKeyFile(`${path}.pub`)),
    });
  }
  return out;
}

async function readPublicKeyFile(path: string): Promise<PublicKey | undefined> {
  try {
    return parsePublicKeyLine(await readFile(path, 'utf8')).key;
  } catch {
    return undefined;
  }
}

/**
 * Connects to the agent at `socket` and lists its keys. An agent that is missing or fails is
 * reported at -v and means no agent keys, as in ssh.
 */
export async function openAgent(
  socket: string,
  log: CliLog,
): Promise<{ agent: AgentClient; keys: AgentIdentity[] } | undefined> {
  let agent: AgentClient | undefined;
  try {
    agent = await connectAgent({ path: socket, timeoutMs: 30_000 });
    const keys = await agent.list();
    log.debug(`get_agent_identities: agent returned ${keys.length} keys`);
    return { agent, keys };
  } catch (e) {
    log.debug(`get_agent_identities: ssh_get_authentication_socket: ${(e as Error).message}`);
    await agent?.close();
    return undefined;
  }
}
