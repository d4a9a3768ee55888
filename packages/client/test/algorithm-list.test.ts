/** ssh_config(5) algorithm lists: replace, `+` append, `^` prepend, `-` remove by pattern. */
import { DEFAULT_CIPHERS, DEFAULT_HOST_KEY_ALGORITHMS } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { AlgorithmListError, resolveAlgorithmList } from '../src/node/algorithm-list.js';

describe('algorithm lists', () => {
  it('replaces the default with a plain list, in its order, without duplicates', () => {
    expect(resolveAlgorithmList('Ciphers', 'aes256-ctr,aes128-ctr,aes256-ctr')).toEqual([
      'aes256-ctr',
      'aes128-ctr',
    ]);
  });

  it('appends with +, prepends with ^, removes patterns with -', () => {
    expect(resolveAlgorithmList('HostKeyAlgorithms', '+ssh-rsa')).toEqual([
      ...DEFAULT_HOST_KEY_ALGORITHMS,
      'ssh-rsa',
    ]);
    expect(resolveAlgorithmList('Ciphers', '^aes256-ctr')).toEqual([
      'aes256-ctr',
      ...DEFAULT_CIPHERS.filter((c) => c !== 'aes256-ctr'),
    ]);
    expect(resolveAlgorithmList('Ciphers', '-*-gcm@openssh.com,chacha*')).toEqual([
      'aes128-ctr',
      'aes192-ctr',
      'aes256-ctr',
    ]);
  });

  it('names what we support when a name is unknown, and refuses an empty result', () => {
    expect(() => resolveAlgorithmList('Ciphers', 'aes128-ctr,3des-cbc')).toThrow(
      /Bad Ciphers spec 'aes128-ctr,3des-cbc': seashell does not support 3des-cbc \(supported: chacha20-poly1305@openssh\.com,/,
    );
    expect(() => resolveAlgorithmList('MACs', '-*')).toThrow(AlgorithmListError);
    expect(() => resolveAlgorithmList('KexAlgorithms', 'curve25519-sha256,')).toThrow(/empty name/);
  });
});
