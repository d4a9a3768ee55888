/**
 * The ssh-agent messages (draft-miller-ssh-agent §5, RFC 9987; OpenSSH PROTOCOL.agent), each
 * declared once with the transport's message table (STYLE.md §3). A message travels framed as
 * `uint32 length || byte type || contents` (agent-framing.ts); these codecs are for the payload.
 *
 * Decoding untrusted bytes throws `SshDecodeError` for broken framing and, inside ADD_IDENTITY,
 * `UnsupportedKeyError`, `InvalidKeyError` or `KeyFileError` for a key we do not take — all
 * `SshError`s, never anything else.
 */
import {
  ascii,
  boolean,
  bytes,
  type Codec,
  message,
  rest,
  SshDecodeError,
  struct,
  uint32,
  utf8,
} from '@seashell/transport';
import {
  type OpenSshPrivateKeyType,
  readPrivateKeyFields,
  writePrivateKeyFields,
} from '../keys/private-key-fields.js';
import { agentConstraints } from './agent-constraints.js';
import { AGENT_MAX_IDENTITIES, AgentMessageNumber as N } from './agent-protocol.js';

const lenientDecoder = new TextDecoder('utf-8');

/**
 * A key comment: OpenSSH keeps it as a C string of any bytes, so it is decoded leniently (bad
 * UTF-8 becomes U+FFFD) rather than refused. Print it through `sanitizeText`.
 */
export const agentComment: Codec<string> = {
  kind: 'lenient-text',
  read: (r) => lenientDecoder.decode(r.string()),
  write: (w, v) => w.string(v),
};

/**
 * A private key as ADD_IDENTITY carries it (draft-miller-ssh-agent §5.2.2–5.2.4), the same fields
 * as in an `openssh-key-v1` private section: `string type || type-specific fields`. An ed25519
 * key must carry its 32-byte public key and the 64-byte `seed || public` (x/crypto
 * CVE-2026-46598 was a panic on a shorter one).
 */
export const agentPrivateKey: Codec<OpenSshPrivateKeyType> = {
  kind: 'agent-private-key',
  read: (r) => readPrivateKeyFields(r.ascii(), r),
  write: (w, key) => writePrivateKeyFields(w, key),
};

/** One entry of SSH_AGENT_IDENTITIES_ANSWER. */
export interface AgentIdentityEntry {
  /** The public key blob (RFC 4253 §6.6), possibly of a type we do not parse. */
  readonly key: Uint8Array;
  readonly comment: string;
}

/** `uint32 nkeys || (string key_blob || string comment) * nkeys`, the count bounded first. */
export const agentIdentities: Codec<AgentIdentityEntry[]> = {
  kind: 'agent-identities',
  read(r) {
    const count = r.uint32();
    // Each entry is at least two empty strings (8 bytes): no count beyond that is believed.
    if (count > AGENT_MAX_IDENTITIES || count * 8 > r.remaining)
      throw new SshDecodeError(`agent lists ${count} identities in ${r.remaining} bytes`);
    const out: AgentIdentityEntry[] = [];
    for (let i = 0; i < count; i++) out.push({ key: r.string(), comment: agentComment.read(r) });
    return out;
  },
  write(w, identities) {
    w.uint32(identities.length);
    for (const { key, comment } of identities) w.string(key).string(comment);
  },
};

/** Names, one `string` each, to the end of the message (the reply to the `query` extension). */
export const agentNames: Codec<string[]> = {
  kind: 'agent-names',
  read(r) {
    const out: string[] = [];
    while (r.remaining > 0) out.push(r.ascii());
    return out;
  },
  write(w, names) {
    for (const name of names) w.string(name);
  },
};

/** §5.1: the generic replies. */
export const AgentFailure = message(N.SSH_AGENT_FAILURE, 'SSH_AGENT_FAILURE', {});
export const AgentSuccess = message(N.SSH_AGENT_SUCCESS, 'SSH_AGENT_SUCCESS', {});

/** §5.5: listing the keys. */
export const AgentRequestIdentities = message(
  N.SSH_AGENTC_REQUEST_IDENTITIES,
  'SSH_AGENTC_REQUEST_IDENTITIES',
  {},
);
export const AgentIdentitiesAnswer = message(N.SSH_AGENT_IDENTITIES_ANSWER, 'SSH_AGENT_IDENTITIES_ANSWER', {
  identities: agentIdentities,
});

/** §5.6: a signature; `flags` are AgentSignFlag bits. */
export const AgentSignRequest = message(N.SSH_AGENTC_SIGN_REQUEST, 'SSH_AGENTC_SIGN_REQUEST', {
  key: bytes,
  data: bytes,
  flags: uint32,
});
export const AgentSignResponse = message(N.SSH_AGENT_SIGN_RESPONSE, 'SSH_AGENT_SIGN_RESPONSE', {
  signature: bytes,
});

/** §5.2: adding keys, with constraints or without. */
export const AgentAddIdentity = message(N.SSH_AGENTC_ADD_IDENTITY, 'SSH_AGENTC_ADD_IDENTITY', {
  key: agentPrivateKey,
  comment: agentComment,
});
export const AgentAddIdConstrained = message(
  N.SSH_AGENTC_ADD_ID_CONSTRAINED,
  'SSH_AGENTC_ADD_ID_CONSTRAINED',
  {
    key: agentPrivateKey,
    comment: agentComment,
    constraints: agentConstraints,
  },
);

/** §5.3: removing keys. */
export const AgentRemoveIdentity = message(N.SSH_AGENTC_REMOVE_IDENTITY, 'SSH_AGENTC_REMOVE_IDENTITY', {
  key: bytes,
});
export const AgentRemoveAllIdentities = message(
  N.SSH_AGENTC_REMOVE_ALL_IDENTITIES,
  'SSH_AGENTC_REMOVE_ALL_IDENTITIES',
  {},
);

/** §5.2.6 and §5.3: smartcard (PKCS#11) keys. Our keyring refuses them (CVE-2023-38408 lesson). */
export const AgentAddSmartcardKey = message(N.SSH_AGENTC_ADD_SMARTCARD_KEY, 'SSH_AGENTC_ADD_SMARTCARD_KEY', {
  provider: utf8,
  pin: utf8,
});
export const AgentAddSmartcardKeyConstrained = message(
  N.SSH_AGENTC_ADD_SMARTCARD_KEY_CONSTRAINED,
  'SSH_AGENTC_ADD_SMARTCARD_KEY_CONSTRAINED',
  { provider: utf8, pin: utf8, constraints: agentConstraints },
);
export const AgentRemoveSmartcardKey = message(
  N.SSH_AGENTC_REMOVE_SMARTCARD_KEY,
  'SSH_AGENTC_REMOVE_SMARTCARD_KEY',
  { provider: utf8, pin: utf8 },
);

/** §5.7: locking. */
export const AgentLock = message(N.SSH_AGENTC_LOCK, 'SSH_AGENTC_LOCK', { passphrase: bytes });
export const AgentUnlock = message(N.SSH_AGENTC_UNLOCK, 'SSH_AGENTC_UNLOCK', { passphrase: bytes });

/**
 * §5.8: extensions. The contents follow the name directly, with no string around them, as
 * OpenSSH sends them (x/crypto `bd7e27e` matched OpenSSH rather than an early draft).
 */
export const AgentExtension = message(N.SSH_AGENTC_EXTENSION, 'SSH_AGENTC_EXTENSION', {
  name: ascii,
  contents: rest,
});
export const AgentExtensionFailure = message(
  N.SSH_AGENT_EXTENSION_FAILURE,
  'SSH_AGENT_EXTENSION_FAILURE',
  {},
);
export const AgentExtensionResponse = message(
  N.SSH_AGENT_EXTENSION_RESPONSE,
  'SSH_AGENT_EXTENSION_RESPONSE',
  {
    name: ascii,
    contents: rest,
  },
);

/** PROTOCOL.agent §1: the contents of the `session-bind@openssh.com` extension. */
export const AgentSessionBind = struct({
  hostKey: bytes,
  sessionId: bytes,
  signature: bytes,
  forwarding: boolean,
});

/** The contents of the reply to the `query` extension: the extension names. */
export const AgentQueryReply = struct({ names: agentNames });
