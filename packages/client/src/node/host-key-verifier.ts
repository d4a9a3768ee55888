/**
 * The `seashell` CLI's answer to "is this the server's key?": the known_hosts decision
 * (`decideHostKey`), carried out — a question on the terminal for StrictHostKeyChecking=ask, the new
 * line appended for accept-new, and OpenSSH's wording for what is refused.
 */
import { CERTIFICATE_HOST_KEY_ALGORITHMS, fingerprintSha256, type PublicKey } from '@seashell/transport';
import type { CliLog } from './cli-log.js';
import {
  addKnownHost,
  decideHostKey,
  type KnownHostsFile,
  keyTypeLabel,
  knownCertAuthority,
  knownKeyTypes,
} from './known-hosts-policy.js';
import type { StrictHostKeyChecking } from './ssh-config.js';
import { askOnTerminal, hasControllingTerminal } from './tty.js';

export interface HostKeyVerifierOptions {
  /** The name and port known_hosts is searched and written for. */
  readonly host: string;
  readonly port: number;
  readonly strict: StrictHostKeyChecking;
  /** User files first (new keys go to the first), then the global ones. */
  readonly files: readonly KnownHostsFile[];
  readonly addTo: string;
  /** BatchMode: never ask. */
  readonly batchMode: boolean;
  readonly log: CliLog;
}

export class HostKeyVerifier {
  readonly #o: HostKeyVerifierOptions;
  /** Set when a key was refused: the lines to print instead of a generic error. */
  failure: readonly string[] | undefined;

  constructor(options: HostKeyVerifierOptions) {
    this.#o = options;
  }

  /**
   * The host key algorithms to offer: `defaults`, with those whose key type known_hosts has for the
   * host first, so that the server shows a key we can check (as ssh orders them); when a
   * `@cert-authority` line speaks for the host, the certificate algorithms before everything.
   */
  preferKnownTypes(defaults: readonly string[]): string[] {
    const known = knownKeyTypes(this.#o.files, this.#o.host, this.#o.port);
    const isKnown = (a: string) =>
      known.some((t) => a === t || (t === 'ssh-rsa' && a.startsWith('rsa-sha2-')));
    const certs = knownCertAuthority(this.#o.files, this.#o.host, this.#o.port)
      ? CERTIFICATE_HOST_KEY_ALGORITHMS.filter((a) => !defaults.includes(a))
      : [];
    return [...certs, ...defaults.filter(isKnown), ...defaults.filter((a) => !isKnown(a))];
  }

  /** Decides about `key`; false means refused, with the reason in `failure`. */
  async verify(key: PublicKey): Promise<boolean> {
    const { host, port, strict, files, addTo, log } = this.#o;
    const label = keyTypeLabel(key.type);
    log.debug(`Server host key: ${key.type} ${fingerprintSha256(key)}`);
    const decision = decideHostKey(files, host, port, key, strict, addTo);
    const name = port === 22 ? host : `[${host}]:${port}`;
    switch (decision.kind) {
      case 'accept':
        if (decision.authority) {
          log.debug(`Host '${name}' is known and matches the ${label} host certificate.`);
          log.debug(`Found CA key in ${decision.path}:${decision.line}`);
        } else {
          log.debug(`Host '${name}' is known and matches the ${label} host key.`);
          log.debug(`Found key in ${decision.path}:${decision.line}`);
        }
        return true;
      case 'refuse':
        this.failure = decision.message;
        return false;
      case 'ask':
        if (this.#o.batchMode || !hasControllingTerminal()) {
          this.failure = [
            `No ${label} host key is known for ${name} and there is no terminal to ask on.`,
            'Host key verification failed.',
          ];
          return false;
        }
        if (!(await this.#confirm(decision.message, key))) {
          this.failure = ['Host key verification failed.'];
          return false;
        }
        break;
      case 'add':
        break;
    }
    try {
      await addKnownHost(addTo, host, port, key);
      log.info(`Warning: Permanently added '${name}' (${label}) to the list of known hosts.`);
    } catch (e) {
      log.info(`Failed to add the host to the list of known hosts (${addTo}): ${(e as Error).message}`);
    }
    return true;
  }

  /** StrictHostKeyChecking=ask: yes, no, or the fingerprint itself. */
  async #confirm(message: readonly string[], key: PublicKey): Promise<boolean> {
    let prompt = `${message.join('\n')}\nAre you sure you want to continue connecting (yes/no/[fingerprint])? `;
    for (;;) {
      let answer: string;
      try {
        answer = (await askOnTerminal(prompt, { echo: true })).trim();
      } catch {
        return false;
      }
      if (answer.toLowerCase() === 'yes' || answer === fingerprintSha256(key)) return true;
      if (answer.toLowerCase() === 'no') return false;
      if (answer.startsWith('SHA256:')) {
        this.#o.log.error('Warning: the fingerprint you typed does not match the host key.');
        return false;
      }
      prompt = "Please type 'yes', 'no' or the fingerprint: ";
    }
  }
}
