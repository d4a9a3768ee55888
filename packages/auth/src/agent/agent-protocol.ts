/**
 * The numbers of the ssh-agent protocol (draft-miller-ssh-agent §5.1, now RFC 9987; OpenSSH
 * PROTOCOL.agent for its extensions) and the limits we hold peers to.
 */

/** Message numbers, requests (`AGENTC`) and replies (`AGENT`) alike. */
export const AgentMessageNumber = {
  SSH_AGENT_FAILURE: 5,
  SSH_AGENT_SUCCESS: 6,
  SSH_AGENTC_REQUEST_IDENTITIES: 11,
  SSH_AGENT_IDENTITIES_ANSWER: 12,
  SSH_AGENTC_SIGN_REQUEST: 13,
  SSH_AGENT_SIGN_RESPONSE: 14,
  SSH_AGENTC_ADD_IDENTITY: 17,
  SSH_AGENTC_REMOVE_IDENTITY: 18,
  SSH_AGENTC_REMOVE_ALL_IDENTITIES: 19,
  SSH_AGENTC_ADD_SMARTCARD_KEY: 20,
  SSH_AGENTC_REMOVE_SMARTCARD_KEY: 21,
  SSH_AGENTC_LOCK: 22,
  SSH_AGENTC_UNLOCK: 23,
  SSH_AGENTC_ADD_ID_CONSTRAINED: 25,
  SSH_AGENTC_ADD_SMARTCARD_KEY_CONSTRAINED: 26,
  SSH_AGENTC_EXTENSION: 27,
  SSH_AGENT_EXTENSION_FAILURE: 28,
  SSH_AGENT_EXTENSION_RESPONSE: 29,
} as const;
export type AgentMessageNumber = (typeof AgentMessageNumber)[keyof typeof AgentMessageNumber];

/** The name of a message number, for errors and logs. */
export function agentMessageName(number: number): string {
  for (const [name, n] of Object.entries(AgentMessageNumber)) if (n === number) return name;
  return `message ${number}`;
}

/**
 * SSH_AGENTC_SIGN_REQUEST flags (draft-miller-ssh-agent §5.3; RFC 8332 §3.3): which hash an RSA
 * key signs with. Without one, an RSA key signs SHA-1 `ssh-rsa`. Other key types ignore them.
 */
export const AgentSignFlag = {
  SSH_AGENT_RSA_SHA2_256: 0x02,
  SSH_AGENT_RSA_SHA2_512: 0x04,
} as const;

/** The signature algorithm a (certificate) algorithm name signs with: `-cert-v01@openssh.com` cut. */
export function plainSignatureAlgorithm(algorithm: string): string {
  return algorithm.endsWith(CERT_SUFFIX) ? algorithm.slice(0, -CERT_SUFFIX.length) : algorithm;
}
const CERT_SUFFIX = '-cert-v01@openssh.com';

/**
 * The flags that ask for `algorithm` (0 for every algorithm but the two RSA SHA-2 ones and their
 * certificate forms).
 */
export function agentSignFlags(algorithm: string): number {
  const plain = plainSignatureAlgorithm(algorithm);
  if (plain === 'rsa-sha2-256') return AgentSignFlag.SSH_AGENT_RSA_SHA2_256;
  if (plain === 'rsa-sha2-512') return AgentSignFlag.SSH_AGENT_RSA_SHA2_512;
  return 0;
}

/**
 * The signature algorithm `flags` select for a key of `keyType`, as OpenSSH's agent picks it
 * (`agent_decode_alg`): SHA-256 wins when both RSA bits are set; without a bit, SHA-1 `ssh-rsa`.
 * Undefined for a non-RSA key: it has one algorithm.
 */
export function agentSignAlgorithm(keyType: string, flags: number): string | undefined {
  if (keyType !== 'ssh-rsa') return undefined;
  if (flags & AgentSignFlag.SSH_AGENT_RSA_SHA2_256) return 'rsa-sha2-256';
  if (flags & AgentSignFlag.SSH_AGENT_RSA_SHA2_512) return 'rsa-sha2-512';
  return 'ssh-rsa';
}

/** Key constraint identifiers (draft-miller-ssh-agent §5.4; PROTOCOL.agent §3 for MAXSIGN). */
export const AgentConstraintType = {
  SSH_AGENT_CONSTRAIN_LIFETIME: 1,
  SSH_AGENT_CONSTRAIN_CONFIRM: 2,
  SSH_AGENT_CONSTRAIN_MAXSIGN: 3,
  SSH_AGENT_CONSTRAIN_EXTENSION: 255,
} as const;

/**
 * Longest agent message either side accepts, OpenSSH's AGENT_MAX_LEN. A frame that announces
 * more, or 0 bytes, ends the connection (PROTOCOL-NOTES §4.4 #38).
 */
export const AGENT_MAX_MESSAGE_LENGTH = 256 * 1024;

/** Most identities an IDENTITIES_ANSWER may list (OpenSSH's MAX_AGENT_IDENTITIES). */
export const AGENT_MAX_IDENTITIES = 2048;

/** Session bindings one agent connection keeps (OpenSSH's AGENT_MAX_SESSION_IDS). */
export const AGENT_MAX_SESSION_BINDINGS = 16;

/** The extension that binds an agent connection to an SSH session (PROTOCOL.agent §1). */
export const SESSION_BIND_EXTENSION = 'session-bind@openssh.com';
/** The extension that lists the extensions an agent has (draft-miller-ssh-agent §5.8.1). */
export const QUERY_EXTENSION = 'query';
