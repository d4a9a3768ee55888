/**
 * Where the `seashell` CLI gets a password, following ssh(1)'s rules for SSH_ASKPASS:
 *
 * - `SSH_ASKPASS_REQUIRE=force`: always the SSH_ASKPASS program;
 * - `SSH_ASKPASS_REQUIRE=prefer`: the program when DISPLAY (or WAYLAND_DISPLAY) is set;
 * - `SSH_ASKPASS_REQUIRE=never`: never the program;
 * - otherwise the terminal (/dev/tty, no echo), and the program only when there is no terminal
 *   and DISPLAY is set.
 *
 * BatchMode turns all prompting off (the caller does not ask then).
 */
import { spawn } from 'node:child_process';
import { askOnTerminal } from './tty.js';

export type PasswordSource =
  | { readonly kind: 'askpass'; readonly program: string }
  | { readonly kind: 'terminal' }
  | { readonly kind: 'none' };

/** Where ssh(1) has askpass programs installed when SSH_ASKPASS is unset. */
const DEFAULT_ASKPASS = '/usr/bin/ssh-askpass';

/** Decides where a password comes from, from the environment and whether a terminal exists. */
export function choosePasswordSource(
  env: Readonly<Record<string, string | undefined>>,
  hasTerminal: boolean,
): PasswordSource {
  let allowAskpass = !!env.DISPLAY || !!env.WAYLAND_DISPLAY;
  let useAskpass = false;
  const require = env.SSH_ASKPASS_REQUIRE?.toLowerCase();
  if (require === 'force') {
    useAskpass = true;
    allowAskpass = true;
  } else if (require === 'prefer') useAskpass = allowAskpass;
  else if (require === 'never') allowAskpass = false;
  if (!useAskpass && !hasTerminal) useAskpass = true;
  if (useAskpass && allowAskpass) return { kind: 'askpass', program: env.SSH_ASKPASS || DEFAULT_ASKPASS };
  return hasTerminal ? { kind: 'terminal' } : { kind: 'none' };
}

/**
 * Runs the askpass program with `prompt` as its argument; its stdout, less the line end, is the
 * answer. A program that fails (the user pressed Cancel) gives undefined.
 */
export function runAskpass(program: string, prompt: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const child = spawn(program, [prompt], { stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => {
      if (code !== 0) return resolve(undefined);
      resolve(
        Buffer.concat(out)
          .toString('utf8')
          .replace(/\r?\n$/, ''),
      );
    });
  });
}

/** Asks for a password where `source` says. Undefined means "no password": the method is skipped. */
export async function askPassword(source: PasswordSource, prompt: string): Promise<string | undefined> {
  if (source.kind === 'askpass') return runAskpass(source.program, prompt);
  if (source.kind === 'terminal') return askOnTerminal(prompt, { echo: false });
  return undefined;
}
