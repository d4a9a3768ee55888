/**
 * The local terminal for the `seashell` CLI: its size and modes for a `pty-req` (RFC 4254 §6.2,
 * §8), raw mode while a remote pty runs (restored on every way out), and questions asked on
 * /dev/tty — a password without echo, a yes/no — as ssh asks them, so they work with stdin and
 * stdout redirected.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { ReadStream, WriteStream } from 'node:tty';
import { TerminalMode } from '@seashell/connection';

/** The terminal's size in characters, from whichever of stdout and stderr is a terminal. */
export function terminalSize(): { columns: number; rows: number } {
  for (const s of [process.stdout, process.stderr]) {
    if (s.isTTY && s.columns > 0 && s.rows > 0) return { columns: s.columns, rows: s.rows };
  }
  return { columns: 80, rows: 24 };
}

/** `stty -a` names of special characters → RFC 4254 §8 opcodes. */
const CHARACTERS: Readonly<Record<string, number>> = {
  intr: TerminalMode.VINTR,
  quit: TerminalMode.VQUIT,
  erase: TerminalMode.VERASE,
  kill: TerminalMode.VKILL,
  eof: TerminalMode.VEOF,
  eol: TerminalMode.VEOL,
  eol2: TerminalMode.VEOL2,
  start: TerminalMode.VSTART,
  stop: TerminalMode.VSTOP,
  susp: TerminalMode.VSUSP,
  dsusp: TerminalMode.VDSUSP,
  rprnt: TerminalMode.VREPRINT,
  werase: TerminalMode.VWERASE,
  lnext: TerminalMode.VLNEXT,
  discard: TerminalMode.VDISCARD,
  swtch: TerminalMode.VSWTCH,
  status: TerminalMode.VSTATUS,
};

/** `stty -a` flag names → RFC 4254 §8 opcodes (`-name` is off). */
const FLAGS: Readonly<Record<string, number>> = {
  ignpar: TerminalMode.IGNPAR,
  parmrk: TerminalMode.PARMRK,
  inpck: TerminalMode.INPCK,
  istrip: TerminalMode.ISTRIP,
  inlcr: TerminalMode.INLCR,
  igncr: TerminalMode.IGNCR,
  icrnl: TerminalMode.ICRNL,
  iuclc: TerminalMode.IUCLC,
  ixon: TerminalMode.IXON,
  ixany: TerminalMode.IXANY,
  ixoff: TerminalMode.IXOFF,
  imaxbel: TerminalMode.IMAXBEL,
  iutf8: TerminalMode.IUTF8,
  isig: TerminalMode.ISIG,
  icanon: TerminalMode.ICANON,
  xcase: TerminalMode.XCASE,
  echo: TerminalMode.ECHO,
  echoe: TerminalMode.ECHOE,
  echok: TerminalMode.ECHOK,
  echonl: TerminalMode.ECHONL,
  noflsh: TerminalMode.NOFLSH,
  tostop: TerminalMode.TOSTOP,
  iexten: TerminalMode.IEXTEN,
  echoctl: TerminalMode.ECHOCTL,
  echoke: TerminalMode.ECHOKE,
  pendin: TerminalMode.PENDIN,
  opost: TerminalMode.OPOST,
  olcuc: TerminalMode.OLCUC,
  onlcr: TerminalMode.ONLCR,
  ocrnl: TerminalMode.OCRNL,
  onocr: TerminalMode.ONOCR,
  onlret: TerminalMode.ONLRET,
  parenb: TerminalMode.PARENB,
  parodd: TerminalMode.PARODD,
};

/** RFC 4254 §8 has no "disabled" value; OpenSSH sends 255 (_POSIX_VDISABLE on the wire). */
const DISABLED = 255;

/** `^C` → 3, `^?` → 127, `<undef>` → 255, `a` → 97; undefined for what we cannot read. */
function characterValue(text: string): number | undefined {
  if (text === '<undef>' || text === 'undef') return DISABLED;
  if (text === '^?') return 0x7f;
  if (text.length === 2 && text[0] === '^') {
    const c = text.charCodeAt(1);
    if (c >= 0x40 && c <= 0x5f) return c - 0x40;
    if (c >= 0x61 && c <= 0x7a) return c - 0x60;
  }
  if (text.length === 1) return text.charCodeAt(0);
  return undefined;
}

/**
 * Terminal modes from the text of GNU `stty -a`: special characters (`intr = ^C;`), flags
 * (`icanon`, `-echo`), the character size and the line speed.
 */
export function parseSttyModes(text: string): Map<number, number> {
  const modes = new Map<number, number>();
  for (const m of text.matchAll(/(?:^|[\s;])(\w+) = (\S+?);/g)) {
    const opcode = CHARACTERS[m[1]!];
    const value = characterValue(m[2]!);
    if (opcode !== undefined && value !== undefined) modes.set(opcode, value);
  }
  for (const word of text.split(/[\s;]+/)) {
    const off = word.startsWith('-');
    const opcode = FLAGS[off ? word.slice(1) : word];
    if (opcode !== undefined) modes.set(opcode, off ? 0 : 1);
    if (word === 'cs7' || word === 'cs8') {
      modes.set(TerminalMode.CS7, word === 'cs7' ? 1 : 0);
      modes.set(TerminalMode.CS8, word === 'cs8' ? 1 : 0);
    }
  }
  const speed = /\bspeed (\d+) baud/.exec(text);
  const ispeed = /\bispeed (\d+) baud/.exec(text) ?? speed;
  const ospeed = /\bospeed (\d+) baud/.exec(text) ?? speed;
  // The OpenSSH client sends the output speed first.
  if (ospeed) modes.set(TerminalMode.TTY_OP_OSPEED, Number(ospeed[1]));
  if (ispeed) modes.set(TerminalMode.TTY_OP_ISPEED, Number(ispeed[1]));
  return modes;
}

/** The modes of the terminal on stdin, read with `stty -a`; undefined when that fails. */
export function localTerminalModes(): Map<number, number> | undefined {
  const r = spawnSync('stty', ['-a'], { stdio: [0, 'pipe', 'ignore'], encoding: 'utf8', timeout: 2000 });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  const modes = parseSttyModes(r.stdout);
  return modes.size > 0 ? modes : undefined;
}

/**
 * Raw mode on stdin for a remote pty (the remote terminal does the line editing and signals),
 * undone by the returned function, which is safe to call more than once; also undone if the
 * process exits some other way.
 */
export function enterRawMode(stdin: NodeJS.ReadStream): () => void {
  if (!stdin.isTTY) return () => {};
  stdin.setRawMode(true);
  // Node's raw mode keeps output processing (LF → CR LF); ssh turns it off, so that the remote
  // pty's output reaches the terminal unchanged. Leaving raw mode restores the saved settings.
  if (stdin === process.stdin)
    spawnSync('stty', ['-opost'], { stdio: [0, 'ignore', 'ignore'], timeout: 2000 });
  let restored = false;
  const restore = () => {
    if (restored) return;
    restored = true;
    process.off('exit', restore);
    try {
      stdin.setRawMode(false);
    } catch {
      // the terminal is gone
    }
  };
  process.on('exit', restore);
  return restore;
}

/** The user pressed ^C (or the terminal closed) at a prompt. */
export class PromptCancelledError extends Error {}

/** Whether this process has a terminal to ask on (/dev/tty opens). */
export function hasControllingTerminal(): boolean {
  try {
    closeSync(openSync('/dev/tty', 'r+'));
    return true;
  } catch {
    return false;
  }
}

/**
 * Asks on /dev/tty and reads one line: without echo for a secret, echoed otherwise. ^C or ^D on
 * an empty line cancels.
 * @throws PromptCancelledError; an Error when there is no terminal.
 */
export async function askOnTerminal(prompt: string, options: { echo: boolean }): Promise<string> {
  const inFd = openSync('/dev/tty', 'r');
  const outFd = openSync('/dev/tty', 'w');
  const input = new ReadStream(inFd);
  const output = new WriteStream(outFd);
  input.setRawMode(true);
  output.write(prompt);
  try {
    return await new Promise<string>((resolve, reject) => {
      let line = '';
      input.on('data', (chunk: Buffer) => {
        for (const ch of chunk.toString('utf8')) {
          if (ch === '\r' || ch === '\n') return resolve(line);
          if (ch === '\x03' || (ch === '\x04' && line === ''))
            return reject(new PromptCancelledError('cancelled'));
          if (ch === '\x7f' || ch === '\b') {
            if (line !== '' && options.echo) output.write('\b \b');
            line = [...line].slice(0, -1).join('');
          } else if (ch === '\x15') {
            if (options.echo) output.write('\b \b'.repeat([...line].length));
            line = '';
          } else if (ch >= ' ') {
            line += ch;
            if (options.echo) output.write(ch);
          }
        }
      });
      input.once('end', () => reject(new PromptCancelledError('terminal closed')));
      input.once('error', reject);
    });
  } finally {
    input.setRawMode(false);
    output.write('\n');
    input.destroy();
    output.destroy();
  }
}
