/**
 * `pnpm bench` still runs end to end: a tiny `--quick` run measures every pair against a real sshd
 * and reports positive numbers. No assertion on speed (DESIGN.md "Testing": speed is the bench's
 * business, never a test's).
 */
import { describe, expect, it } from 'vitest';
import { PAIRS, parseBenchArgs, runBench } from '../src/bench/bench.js';
import { describeOpenSSH } from './support/openssh.js';

describe('pnpm bench flags', () => {
  it('defaults to 256 MiB and all six ciphers; --quick shrinks; explicit flags win', () => {
    const full = parseBenchArgs([]).options;
    expect(full).toMatchObject({ bytes: 256 * 2 ** 20, repeat: 1, handshakeRounds: 20 });
    expect(full.ciphers).toHaveLength(6);
    const quick = parseBenchArgs(['--quick', '--size', '512K', '--ciphers', 'aes128-ctr,aes256-ctr']).options;
    expect(quick).toMatchObject({
      bytes: 512 * 1024,
      ciphers: ['aes128-ctr', 'aes256-ctr'],
      handshakeRounds: 3,
    });
    expect(parseBenchArgs(['--size', '64M', '--repeat', '2']).options).toMatchObject({
      bytes: 64 * 2 ** 20,
      repeat: 2,
    });
    expect(() => parseBenchArgs(['--size', '64X'])).toThrow(/--size/);
    expect(() => parseBenchArgs(['--ciphers', 'aes128-cbc'])).toThrow(/unknown aes128-cbc/);
    expect(() => parseBenchArgs(['--repeat', '0'])).toThrow(/--repeat/);
    expect(parseBenchArgs(['--crypto', 'noble']).options.crypto).toBe('noble');
    expect(full.crypto).toBeUndefined();
    expect(() => parseBenchArgs(['--crypto', 'openssl'])).toThrow(/--crypto/);
  });
});

describeOpenSSH('pnpm bench --quick', () => {
  it('measures every pair in both directions and prints them in one table', async () => {
    const report = await runBench({ quick: true, bytes: 256 * 1024, handshakeRounds: 1 });

    expect(report.rows.map((row) => row.pair)).toEqual([...PAIRS]);
    for (const row of report.rows) {
      expect(row.cipher).toBe('chacha20-poly1305@openssh.com');
      for (const measure of [row.upload, row.download, row.handshakes]) {
        expect(measure).toEqual({ value: expect.any(Number) });
        if (measure !== undefined && 'value' in measure) expect(measure.value).toBeGreaterThan(0);
      }
    }

    const table = report.markdown.split('\n').filter((line) => line.startsWith('| chacha20-poly1305'));
    expect(table).toHaveLength(PAIRS.length);
    for (const [i, line] of table.entries()) {
      const cells = line.split('|').map((cell) => cell.trim());
      expect(cells[2]).toBe(PAIRS[i]);
      for (const number of cells.slice(3, 6)) expect(Number(number)).toBeGreaterThan(0);
    }
    expect(report.markdown).toContain(`${report.machine.cores} cores`);
    expect(report.markdown).toContain(process.version);
  });
});
