/**
 * RFC 4254 §8 terminal modes as `stty` arguments. Node cannot call tcsetattr(3), so the pty child
 * runs `stty` on its own terminal before it execs the shell; sshd applies the same modes with
 * tcsetattr (`ttymodes.c` `tty_parse_modes`).
 *
 * Only modes that GNU and BusyBox stty both know on Linux are translated: one unknown word makes
 * stty refuse the whole line, and then no mode would be applied. Speeds are left out (a pty has
 * none that matters), and so are the modes Linux lacks (VDSUSP, VSTATUS) or that are obsolete
 * (IUCLC, OLCUC, XCASE, PENDIN).
 */
import { TerminalMode, type TerminalModes } from '@seashell/connection';

const M = TerminalMode;

/** Control characters, by opcode. */
const CHARACTERS: ReadonlyMap<number, string> = new Map([
  [M.VINTR, 'intr'],
  [M.VQUIT, 'quit'],
  [M.VERASE, 'erase'],
  [M.VKILL, 'kill'],
  [M.VEOF, 'eof'],
  [M.VEOL, 'eol'],
  [M.VEOL2, 'eol2'],
  [M.VSTART, 'start'],
  [M.VSTOP, 'stop'],
  [M.VSUSP, 'susp'],
  [M.VREPRINT, 'rprnt'],
  [M.VWERASE, 'werase'],
  [M.VLNEXT, 'lnext'],
]);

/** Flags, by opcode: a non-zero argument sets the flag, zero clears it. */
const FLAGS: ReadonlyMap<number, string> = new Map([
  [M.IGNPAR, 'ignpar'],
  [M.PARMRK, 'parmrk'],
  [M.INPCK, 'inpck'],
  [M.ISTRIP, 'istrip'],
  [M.INLCR, 'inlcr'],
  [M.IGNCR, 'igncr'],
  [M.ICRNL, 'icrnl'],
  [M.IXON, 'ixon'],
  [M.IXANY, 'ixany'],
  [M.IXOFF, 'ixoff'],
  [M.IMAXBEL, 'imaxbel'],
  [M.IUTF8, 'iutf8'],
  [M.ISIG, 'isig'],
  [M.ICANON, 'icanon'],
  [M.ECHO, 'echo'],
  [M.ECHOE, 'echoe'],
  [M.ECHOK, 'echok'],
  [M.ECHONL, 'echonl'],
  [M.NOFLSH, 'noflsh'],
  [M.TOSTOP, 'tostop'],
  [M.IEXTEN, 'iexten'],
  [M.ECHOCTL, 'echoctl'],
  [M.ECHOKE, 'echoke'],
  [M.OPOST, 'opost'],
  [M.ONLCR, 'onlcr'],
  [M.OCRNL, 'ocrnl'],
  [M.ONOCR, 'onocr'],
  [M.ONLRET, 'onlret'],
  [M.PARENB, 'parenb'],
  [M.PARODD, 'parodd'],
]);

/**
 * The `stty` arguments that apply `modes`, in the order the client sent them.
 * @example
 * sttyArguments(new Map([[TerminalMode.VINTR, 3], [TerminalMode.ECHO, 0]])); // ['intr', '^C', '-echo']
 */
export function sttyArguments(modes: TerminalModes): string[] {
  const args: string[] = [];
  for (const [opcode, value] of modes) {
    const character = CHARACTERS.get(opcode);
    const flag = FLAGS.get(opcode);
    if (character !== undefined) {
      const spelled = controlCharacter(value);
      if (spelled !== undefined) args.push(character, spelled);
    } else if (flag !== undefined) {
      args.push(value ? flag : `-${flag}`);
    } else if ((opcode === M.CS7 || opcode === M.CS8) && value) {
      // Character size is one field: only the size that is set can be named.
      args.push(opcode === M.CS7 ? 'cs7' : 'cs8');
    }
  }
  return args;
}

/**
 * A control character as stty spells it: `^C`, `^?`, `undef` for none, or the character itself.
 * Values past 7-bit ASCII (other than 255, OpenSSH's "disabled") are skipped.
 */
function controlCharacter(value: number): string | undefined {
  // OpenSSH sends 255 (_POSIX_VDISABLE on most systems) for a disabled character; Linux uses 0.
  if (value === 0 || value === 255) return 'undef';
  if (value < 32) return `^${String.fromCharCode(value + 64)}`;
  if (value === 127) return '^?';
  if (value < 127) return String.fromCharCode(value);
  return undefined;
}
