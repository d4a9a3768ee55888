/**
 * RFC 4253 §7.1 algorithm negotiation: for each kind, the first algorithm on the client's list
 * that the server also lists.
 */
import { AlgorithmNegotiationError } from '../errors.js';
import type { KexInit } from '../messages.js';

export interface Negotiated {
  readonly kex: string;
  readonly hostKey: string;
  readonly cipherClientToServer: string;
  readonly cipherServerToClient: string;
  readonly macClientToServer: string;
  readonly macServerToClient: string;
  readonly compressionClientToServer: string;
  readonly compressionServerToClient: string;
}

/** The client's first choice that the server supports; throws naming the kind and both lists. */
export function chooseAlgorithm(
  kind: string,
  client: readonly string[],
  server: readonly string[],
  ourSide: 'client' | 'server',
): string {
  for (const name of client) if (server.includes(name)) return name;
  const [ours, theirs] = ourSide === 'client' ? [client, server] : [server, client];
  throw new AlgorithmNegotiationError(kind, ours, theirs);
}

/**
 * Negotiates every kind. `isAead(cipher)` tells where the MAC does not matter: with an AEAD cipher
 * the MAC lists are ignored (RFC 5647 §5.1 as OpenSSH applies it) and the MAC is reported as ''.
 */
export function negotiate(
  client: KexInit,
  server: KexInit,
  ourSide: 'client' | 'server',
  isAead: (cipher: string) => boolean,
  pseudoKex: readonly string[],
): Negotiated {
  const real = (names: readonly string[]) => names.filter((n) => !pseudoKex.includes(n));
  const kex = chooseAlgorithm(
    'key exchange',
    real(client.kexAlgorithms),
    real(server.kexAlgorithms),
    ourSide,
  );
  const hostKey = chooseAlgorithm(
    'host key',
    client.serverHostKeyAlgorithms,
    server.serverHostKeyAlgorithms,
    ourSide,
  );
  const cipherClientToServer = chooseAlgorithm(
    'cipher (client to server)',
    client.encryptionClientToServer,
    server.encryptionClientToServer,
    ourSide,
  );
  const cipherServerToClient = chooseAlgorithm(
    'cipher (server to client)',
    client.encryptionServerToClient,
    server.encryptionServerToClient,
    ourSide,
  );
  const mac = (cipher: string, kind: string, c: readonly string[], s: readonly string[]) =>
    isAead(cipher) ? '' : chooseAlgorithm(kind, c, s, ourSide);
  return {
    kex,
    hostKey,
    cipherClientToServer,
    cipherServerToClient,
    macClientToServer: mac(
      cipherClientToServer,
      'MAC (client to server)',
      client.macClientToServer,
      server.macClientToServer,
    ),
    macServerToClient: mac(
      cipherServerToClient,
      'MAC (server to client)',
      client.macServerToClient,
      server.macServerToClient,
    ),
    compressionClientToServer: chooseAlgorithm(
      'compression (client to server)',
      client.compressionClientToServer,
      server.compressionClientToServer,
      ourSide,
    ),
    compressionServerToClient: chooseAlgorithm(
      'compression (server to client)',
      client.compressionServerToClient,
      server.compressionServerToClient,
      ourSide,
    ),
  };
}

/**
 * RFC 4253 §7: a guessed first kex packet is right only if both the kex and the host key
 * algorithm the sender guessed (the first of its lists) are what negotiation picks.
 */
export function guessWasRight(client: KexInit, server: KexInit, negotiated: Negotiated): boolean {
  return (
    client.kexAlgorithms[0] === server.kexAlgorithms[0] &&
    client.serverHostKeyAlgorithms[0] === server.serverHostKeyAlgorithms[0] &&
    negotiated.kex === client.kexAlgorithms[0]
  );
}
