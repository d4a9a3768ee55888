/**
 * Encoded terminal modes (RFC 4254 §8, RFC 8160): the `modes` string of a `pty-req`.
 *
 * The stream is `(byte opcode, uint32 argument)*` ended by TTY_OP_END (0). Opcodes 1–159 carry a
 * uint32; 160–255 are not defined yet and their argument layout is unknown, so parsing stops at the
 * first of them. Opcodes we do not name are kept: the driver applies what it knows.
 */
import { type Codec, SshReader, SshWriter } from '@seashell/transport';

/** RFC 4254 §8 opcodes (with RFC 8160's IUTF8), by the names the RFC gives them. */
export const TerminalMode = {
  TTY_OP_END: 0,
  VINTR: 1,
  VQUIT: 2,
  VERASE: 3,
  VKILL: 4,
  VEOF: 5,
  VEOL: 6,
  VEOL2: 7,
  VSTART: 8,
  VSTOP: 9,
  VSUSP: 10,
  VDSUSP: 11,
  VREPRINT: 12,
  VWERASE: 13,
  VLNEXT: 14,
  VFLUSH: 15,
  VSWTCH: 16,
  VSTATUS: 17,
  VDISCARD: 18,
  IGNPAR: 30,
  PARMRK: 31,
  INPCK: 32,
  ISTRIP: 33,
  INLCR: 34,
  IGNCR: 35,
  ICRNL: 36,
  IUCLC: 37,
  IXON: 38,
  IXANY: 39,
  IXOFF: 40,
  IMAXBEL: 41,
  IUTF8: 42,
  ISIG: 50,
  ICANON: 51,
  XCASE: 52,
  ECHO: 53,
  ECHOE: 54,
  ECHOK: 55,
  ECHONL: 56,
  NOFLSH: 57,
  TOSTOP: 58,
  IEXTEN: 59,
  ECHOCTL: 60,
  ECHOKE: 61,
  PENDIN: 62,
  OPOST: 70,
  OLCUC: 71,
  ONLCR: 72,
  OCRNL: 73,
  ONOCR: 74,
  ONLRET: 75,
  CS7: 90,
  CS8: 91,
  PARENB: 92,
  PARODD: 93,
  TTY_OP_ISPEED: 128,
  TTY_OP_OSPEED: 129,
} as const;

/** The first opcode whose argument layout RFC 4254 §8 leaves undefined. */
const FIRST_UNDEFINED_OPCODE = 160;

/**
 * Parsed terminal modes: opcode → argument, in the order they were sent (a repeated opcode keeps
 * its last value, as applying them in sequence would).
 */
export type TerminalModes = Map<number, number>;

/**
 * Parses an encoded terminal-modes string.
 * @throws SshDecodeError on a truncated argument or bytes after TTY_OP_END.
 */
export function parseTerminalModes(encoded: Uint8Array): TerminalModes {
  const modes: TerminalModes = new Map();
  const r = new SshReader(encoded);
  // An empty string, or one that ends without TTY_OP_END, is accepted: some clients send either.
  while (r.remaining > 0) {
    const opcode = r.byte();
    if (opcode === TerminalMode.TTY_OP_END) {
      r.end('terminal modes');
      return modes;
    }
    // RFC 4254 §8: opcodes 160 to 255 "are not yet defined, and cause parsing to stop".
    if (opcode >= FIRST_UNDEFINED_OPCODE) return modes;
    modes.set(opcode, r.uint32());
  }
  return modes;
}

/** Encodes terminal modes, ending with TTY_OP_END. */
export function encodeTerminalModes(modes: ReadonlyMap<number, number>): Uint8Array {
  const w = new SshWriter(modes.size * 5 + 1);
  for (const [opcode, value] of modes) {
    if (!Number.isInteger(opcode) || opcode < 1 || opcode >= FIRST_UNDEFINED_OPCODE)
      throw new RangeError(`terminal mode opcode out of range: ${opcode}`);
    w.byte(opcode).uint32(value);
  }
  return w.byte(TerminalMode.TTY_OP_END).bytes();
}

/** The `modes` field of a `pty-req`: a `string` holding encoded terminal modes. */
export const terminalModes: Codec<TerminalModes> = {
  kind: 'terminal-modes',
  read: (r) => parseTerminalModes(r.string()),
  write: (w, v) => w.string(encodeTerminalModes(v)),
};
