/** The README's examples are these files; they run here, and the README must quote them verbatim. */
import { readFile } from 'node:fs/promises';
import { fingerprintSha256 } from '@seashell/transport';
import { describe, expect, it } from 'vitest';
import { runCommand } from '../examples/client.js';
import { startGreeter } from '../examples/server.js';

describe('README examples', () => {
  it('the client example runs a command on the server example', async () => {
    const { server, port } = await startGreeter();
    try {
      const fingerprint = fingerprintSha256(server.options.hostKeys[0]!.publicKey);
      const result = await runCommand(port, fingerprint, 'uptime');
      expect(result).toEqual({ output: 'Hello, demo! You asked for: uptime\n', exitStatus: 0 });
      await expect(runCommand(port, 'SHA256:not-this-one', 'uptime')).rejects.toThrow(/host key/i);
    } finally {
      await server.shutdown();
    }
  });

  it('the README quotes both files exactly', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const file of ['server.ts', 'client.ts']) {
      const source = await readFile(new URL(`../examples/${file}`, import.meta.url), 'utf8');
      expect(readme).toContain(source);
    }
  });
});
