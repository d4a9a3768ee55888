/** RFC 4254 §8 terminal modes read from GNU `stty -a`. */
import { TerminalMode } from '@seashell/connection';
import { describe, expect, it } from 'vitest';
import { parseSttyModes } from '../src/node/tty.js';

const STTY = `speed 38400 baud; rows 24; columns 80; line = 0;
intr = ^C; quit = ^\\; erase = ^?; kill = ^U; eof = ^D; eol = <undef>; eol2 = <undef>; swtch = <undef>;
start = ^Q; stop = ^S; susp = ^Z; rprnt = ^R; werase = ^W; lnext = ^V; discard = ^O; min = 1; time = 0;
-parenb -parodd -cmspar cs8 -hupcl -cstopb cread -clocal -crtscts
-ignbrk -brkint -ignpar -parmrk -inpck -istrip -inlcr -igncr icrnl ixon -ixoff -iuclc -ixany -imaxbel iutf8
opost -olcuc -ocrnl onlcr -onocr -onlret -ofill -ofdel nl0 cr0 tab0 bs0 vt0 ff0
isig icanon iexten echo echoe echok -echonl -noflsh -xcase -tostop -echoprt echoctl echoke -flusho -extproc
`;

describe('terminal modes from stty -a', () => {
  const modes = parseSttyModes(STTY);

  it('reads special characters, with <undef> as 255', () => {
    expect(modes.get(TerminalMode.VINTR)).toBe(3);
    expect(modes.get(TerminalMode.VQUIT)).toBe(0x1c);
    expect(modes.get(TerminalMode.VERASE)).toBe(0x7f);
    expect(modes.get(TerminalMode.VEOL)).toBe(255);
    expect(modes.get(TerminalMode.VDISCARD)).toBe(15);
    expect(modes.has(TerminalMode.VSTATUS)).toBe(false);
  });

  it('reads flags on and off, the character size and the speed', () => {
    expect(modes.get(TerminalMode.ICRNL)).toBe(1);
    expect(modes.get(TerminalMode.IXOFF)).toBe(0);
    expect(modes.get(TerminalMode.ECHONL)).toBe(0);
    expect(modes.get(TerminalMode.IUTF8)).toBe(1);
    expect(modes.get(TerminalMode.CS8)).toBe(1);
    expect(modes.get(TerminalMode.CS7)).toBe(0);
    expect(modes.get(TerminalMode.TTY_OP_OSPEED)).toBe(38400);
    expect(modes.get(TerminalMode.TTY_OP_ISPEED)).toBe(38400);
    // The output speed goes first, as OpenSSH sends it.
    expect([...modes.keys()].indexOf(TerminalMode.TTY_OP_OSPEED)).toBeLessThan(
      [...modes.keys()].indexOf(TerminalMode.TTY_OP_ISPEED),
    );
  });

  it('gives nothing for text that is not stty output', () => {
    expect(parseSttyModes('stty: standard input: Inappropriate ioctl for device').size).toBe(0);
  });
});
