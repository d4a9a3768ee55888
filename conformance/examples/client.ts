import { connect } from '@seashell/client/node';
import { fingerprintSha256 } from '@seashell/transport';

/** Runs one command on a server whose host key fingerprint we know. */
export async function runCommand(port: number, hostKeyFingerprint: string, command: string) {
  const client = await connect({
    host: '127.0.0.1',
    port,
    username: 'demo',
    auth: [{ type: 'password', password: 'correct horse' }],
    hostKey: (key) => fingerprintSha256(key) === hostKeyFingerprint,
  });
  try {
    const { stdout, exitStatus } = await client.exec(command);
    return { output: new TextDecoder().decode(stdout), exitStatus };
  } finally {
    await client.close();
  }
}
