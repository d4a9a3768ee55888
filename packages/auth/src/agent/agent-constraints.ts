/**
 * Key constraints of SSH_AGENTC_ADD_ID_CONSTRAINED and SSH_AGENTC_ADD_SMARTCARD_KEY_CONSTRAINED
 * (draft-miller-ssh-agent §5.2.7; OpenSSH PROTOCOL.agent §2–3 and `parse_key_constraints`):
 *
 * ```
 * byte 1 (LIFETIME)  || uint32 seconds
 * byte 2 (CONFIRM)
 * byte 3 (MAXSIGN)   || uint32 signatures            (OpenSSH, XMSS keys only)
 * byte 255 (EXTENSION) || string name || extension-specific data
 * ```
 *
 * An extension's data has no length of its own, so only the extensions we know the shape of can
 * be followed by more constraints: `sk-provider@openssh.com` (`string`),
 * `restrict-destination-v00@openssh.com` (`string`) and `associated-certs-v00@openssh.com`
 * (`byte || string`). Any other extension takes the rest of the message as its data. A truncated
 * or unknown constraint is an `SshDecodeError` (x/crypto CVE-2025-47914 was a panic here).
 */
import { type Codec, SshDecodeError, type SshReader, type SshWriter } from '@seashell/transport';
import { AgentConstraintType } from './agent-protocol.js';

/** One key constraint as it travels. */
export type AgentConstraint =
  /** Forget the key this many seconds after it was added. */
  | { readonly type: 'lifetime'; readonly seconds: number }
  /** Ask the user before each use of the key. */
  | { readonly type: 'confirm' }
  /** At most this many signatures (OpenSSH, XMSS keys). */
  | { readonly type: 'maxsign'; readonly signatures: number }
  /** `name` and the bytes that follow it, unparsed. */
  | { readonly type: 'extension'; readonly name: string; readonly data: Uint8Array };

/** The extension constraints whose data we can step over, and how. */
const EXTENSION_SHAPES: Readonly<Record<string, (r: SshReader) => void>> = {
  'sk-provider@openssh.com': (r) => void r.string(),
  'restrict-destination-v00@openssh.com': (r) => void r.string(),
  'associated-certs-v00@openssh.com': (r) => {
    r.byte();
    r.string();
  },
};

/** Whether an extension constraint named `name` can be followed by more constraints. */
export function isKnownConstraintExtension(name: string): boolean {
  return Object.hasOwn(EXTENSION_SHAPES, name);
}

function readConstraint(r: SshReader): AgentConstraint {
  const type = r.byte();
  switch (type) {
    case AgentConstraintType.SSH_AGENT_CONSTRAIN_LIFETIME:
      return { type: 'lifetime', seconds: r.uint32() };
    case AgentConstraintType.SSH_AGENT_CONSTRAIN_CONFIRM:
      return { type: 'confirm' };
    case AgentConstraintType.SSH_AGENT_CONSTRAIN_MAXSIGN:
      return { type: 'maxsign', signatures: r.uint32() };
    case AgentConstraintType.SSH_AGENT_CONSTRAIN_EXTENSION: {
      const name = r.ascii();
      const start = r.position;
      const skip = Object.hasOwn(EXTENSION_SHAPES, name) ? EXTENSION_SHAPES[name] : undefined;
      if (skip) skip(r);
      else r.rest();
      return { type: 'extension', name, data: r.bytes.subarray(start, r.position) };
    }
    default:
      throw new SshDecodeError(`unknown agent key constraint ${type}`);
  }
}

function writeConstraint(w: SshWriter, c: AgentConstraint): void {
  switch (c.type) {
    case 'lifetime':
      w.byte(AgentConstraintType.SSH_AGENT_CONSTRAIN_LIFETIME).uint32(c.seconds);
      return;
    case 'confirm':
      w.byte(AgentConstraintType.SSH_AGENT_CONSTRAIN_CONFIRM);
      return;
    case 'maxsign':
      w.byte(AgentConstraintType.SSH_AGENT_CONSTRAIN_MAXSIGN).uint32(c.signatures);
      return;
    case 'extension':
      w.byte(AgentConstraintType.SSH_AGENT_CONSTRAIN_EXTENSION).string(c.name).raw(c.data);
  }
}

/** Every constraint up to the end of the message. */
export const agentConstraints: Codec<AgentConstraint[]> = {
  kind: 'agent-constraints',
  read(r) {
    const out: AgentConstraint[] = [];
    // Each constraint takes at least one byte, so the message length bounds the count.
    while (r.remaining > 0) out.push(readConstraint(r));
    return out;
  },
  write(w, constraints) {
    constraints.forEach((c, i) => {
      if (c.type === 'extension' && !isKnownConstraintExtension(c.name) && i !== constraints.length - 1)
        throw new RangeError(`the ${c.name} constraint extension must come last: its data has no length`);
      writeConstraint(w, c);
    });
  },
};
