/**
 * Node adapter: reads OpenSSH's moduli file for a group-exchange server (moduli(5)). The parsing is
 * the core's (`kex/moduli.ts`); this only touches the file system.
 */
import { readFileSync } from 'node:fs';
import type { DhGroup } from '../kex/dh-groups.js';
import { parseModuli } from '../kex/moduli.js';

/** Where OpenSSH's sshd looks (`_PATH_DH_MODULI`). */
export const SYSTEM_MODULI_FILE = '/etc/ssh/moduli';

/**
 * The usable groups of a moduli file, or undefined when it cannot be read or holds none (the
 * server then offers the built-in RFC 3526 groups, as sshd falls back to fixed groups).
 * @example
 * new Transport({ role: 'server', hostKeys, moduli: readModuliFile() });
 */
export function readModuliFile(path: string = SYSTEM_MODULI_FILE): DhGroup[] | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  const groups = parseModuli(text);
  return groups.length > 0 ? groups : undefined;
}
