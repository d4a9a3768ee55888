/**
 * One client's conversation with an `AgentKeyring`: request payload in, reply payload out
 * (draft-miller-ssh-agent §5), never an exception for anything the client sends. What an agent
 * must not silently accept is refused with SSH_AGENT_FAILURE:
 *
 * - `confirm`, `maxsign` and every extension constraint (x/crypto CVE-2026-39832/39833: a keyring
 *   that ignored them made a key usable without the confirmation or destination check the user
 *   asked for); a second lifetime.
 * - smartcard keys, SSH_AGENTC_ADD_SMARTCARD_KEY(_CONSTRAINED) and REMOVE_SMARTCARD_KEY: loading
 *   a provider library on request is how CVE-2023-38408 ran code through a forwarded agent.
 * - unknown messages and extensions, and anything that does not decode (PROTOCOL-NOTES §4.4 #38).
 *
 * While the keyring is locked only SSH_AGENTC_UNLOCK works, and REQUEST_IDENTITIES gets an empty
 * list, as OpenSSH answers.
 */
import { equalBytes, parsePublicKey, SshError } from '@seashell/transport';
import type { AgentConstraint } from './agent-constraints.js';
import type { AgentKeyring } from './agent-keyring.js';
import {
  AgentAddIdConstrained,
  AgentAddIdentity,
  AgentExtension,
  AgentExtensionResponse,
  AgentFailure,
  AgentIdentitiesAnswer,
  AgentLock,
  AgentQueryReply,
  AgentRemoveAllIdentities,
  AgentRemoveIdentity,
  AgentRequestIdentities,
  AgentSessionBind,
  AgentSignRequest,
  AgentSignResponse,
  AgentSuccess,
  AgentUnlock,
} from './agent-messages.js';
import {
  AGENT_MAX_SESSION_BINDINGS,
  agentMessageName,
  AgentMessageNumber as N,
  QUERY_EXTENSION,
  SESSION_BIND_EXTENSION,
} from './agent-protocol.js';

export interface AgentKeyringConnectionOptions {
  /** A label for log lines (a socket, a channel). */
  readonly label?: string;
}

/** A session this connection was bound to with `session-bind@openssh.com`. */
export interface AgentSessionBindingRecord {
  readonly hostKey: Uint8Array;
  readonly sessionId: Uint8Array;
  readonly forwarding: boolean;
}

const FAILURE = AgentFailure.encode({}).slice();
const SUCCESS = AgentSuccess.encode({}).slice();
/** The extensions this keyring answers, for `query`. */
const EXTENSIONS = [QUERY_EXTENSION, SESSION_BIND_EXTENSION];

/** The agent protocol for one client of a keyring. */
export class AgentKeyringConnection {
  readonly #keyring: AgentKeyring;
  readonly #log: (message: string) => void;
  readonly #bindings: AgentSessionBindingRecord[] = [];

  constructor(
    keyring: AgentKeyring,
    log: (message: string) => void,
    options: AgentKeyringConnectionOptions = {},
  ) {
    this.#keyring = keyring;
    this.#log = options.label ? (m) => log(`${options.label}: ${m}`) : log;
  }

  /** The sessions bound so far, oldest first. */
  get bindings(): readonly AgentSessionBindingRecord[] {
    return this.#bindings;
  }

  /** Answers one request payload (without its length frame) with one reply payload. */
  handle(request: Uint8Array): Uint8Array {
    const type = request[0];
    if (type === undefined) return FAILURE;
    try {
      return this.#dispatch(type, request);
    } catch (e) {
      if (!(e instanceof SshError)) throw e;
      this.#log(`${agentMessageName(type)} refused: ${e.message}`);
      return FAILURE;
    }
  }

  #dispatch(type: number, request: Uint8Array): Uint8Array {
    const keyring = this.#keyring;
    if (keyring.locked && type !== N.SSH_AGENTC_UNLOCK) {
      if (type === N.SSH_AGENTC_REQUEST_IDENTITIES) return AgentIdentitiesAnswer.encode({ identities: [] });
      return this.#refuse(type, 'the agent is locked');
    }
    switch (type) {
      case N.SSH_AGENTC_REQUEST_IDENTITIES: {
        AgentRequestIdentities.decode(request);
        const identities = keyring.list().map((k) => ({ key: k.publicKey.blob, comment: k.comment }));
        return AgentIdentitiesAnswer.encode({ identities });
      }
      case N.SSH_AGENTC_SIGN_REQUEST: {
        const { key, data, flags } = AgentSignRequest.decode(request);
        const signature = keyring.sign(key, data, flags);
        if (signature === undefined) return this.#refuse(type, 'no such key');
        return AgentSignResponse.encode({ signature });
      }
      case N.SSH_AGENTC_ADD_IDENTITY: {
        const { key, comment } = AgentAddIdentity.decode(request);
        return this.#status(keyring.add(key, { comment }));
      }
      case N.SSH_AGENTC_ADD_ID_CONSTRAINED: {
        const { key, comment, constraints } = AgentAddIdConstrained.decode(request);
        const lifetime = lifetimeOf(constraints);
        if (typeof lifetime === 'string') return this.#refuse(type, lifetime);
        return this.#status(
          keyring.add(key, { comment, ...(lifetime !== undefined ? { lifetimeSeconds: lifetime } : {}) }),
        );
      }
      case N.SSH_AGENTC_REMOVE_IDENTITY: {
        const { key } = AgentRemoveIdentity.decode(request);
        return keyring.remove(key) ? SUCCESS : this.#refuse(type, 'no such key');
      }
      case N.SSH_AGENTC_REMOVE_ALL_IDENTITIES:
        AgentRemoveAllIdentities.decode(request);
        return this.#status(keyring.removeAll());
      case N.SSH_AGENTC_LOCK:
        return this.#status(keyring.lock(AgentLock.decode(request).passphrase));
      case N.SSH_AGENTC_UNLOCK:
        return keyring.unlock(AgentUnlock.decode(request).passphrase)
          ? SUCCESS
          : this.#refuse(type, 'wrong passphrase or not locked');
      case N.SSH_AGENTC_EXTENSION:
        return this.#extension(request);
      case N.SSH_AGENTC_ADD_SMARTCARD_KEY:
      case N.SSH_AGENTC_ADD_SMARTCARD_KEY_CONSTRAINED:
      case N.SSH_AGENTC_REMOVE_SMARTCARD_KEY:
        // CVE-2023-38408: never load a provider library because a client asked.
        return this.#refuse(type, 'smartcard keys are not supported');
      default:
        return this.#refuse(type, 'unknown request');
    }
  }

  #extension(request: Uint8Array): Uint8Array {
    const { name, contents } = AgentExtension.decode(request);
    if (name === QUERY_EXTENSION) {
      return AgentExtensionResponse.encode({
        name: QUERY_EXTENSION,
        contents: AgentQueryReply.encode({ names: EXTENSIONS }),
      });
    }
    if (name === SESSION_BIND_EXTENSION) return this.#sessionBind(contents);
    return this.#refuse(N.SSH_AGENTC_EXTENSION, `unknown extension ${JSON.stringify(name.slice(0, 64))}`);
  }

  /** PROTOCOL.agent §1, with the checks of OpenSSH's `process_ext_session_bind`. */
  #sessionBind(contents: Uint8Array): Uint8Array {
    const bind = AgentSessionBind.decode(contents);
    const refuse = (why: string) => this.#refuse(N.SSH_AGENTC_EXTENSION, `session-bind: ${why}`);
    if (!parsePublicKey(bind.hostKey).verify(bind.sessionId, bind.signature))
      return refuse('the host key did not sign the session id');
    for (const b of this.#bindings) {
      if (!b.forwarding) return refuse('already bound for authentication');
      if (equalBytes(b.sessionId, bind.sessionId))
        return equalBytes(b.hostKey, bind.hostKey) ? SUCCESS : refuse('session id bound to another host key');
    }
    if (this.#bindings.length >= AGENT_MAX_SESSION_BINDINGS) return refuse('too many bindings');
    this.#bindings.push({
      hostKey: bind.hostKey.slice(),
      sessionId: bind.sessionId.slice(),
      forwarding: bind.forwarding,
    });
    return SUCCESS;
  }

  #status(ok: boolean): Uint8Array {
    return ok ? SUCCESS : FAILURE;
  }

  #refuse(type: number, why: string): Uint8Array {
    this.#log(`${agentMessageName(type)} refused: ${why}`);
    return FAILURE;
  }
}

/**
 * The lifetime the constraints set, or why they are refused: anything but one lifetime is a
 * promise this keyring cannot keep (CVE-2026-39832/39833).
 */
function lifetimeOf(constraints: readonly AgentConstraint[]): number | undefined | string {
  let lifetime: number | undefined;
  for (const c of constraints) {
    if (c.type !== 'lifetime')
      return `the ${c.type === 'extension' ? JSON.stringify(c.name.slice(0, 64)) : c.type} constraint is not supported`;
    if (lifetime !== undefined) return 'lifetime given twice';
    lifetime = c.seconds;
  }
  return lifetime;
}
