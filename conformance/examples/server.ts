import { Server } from '@seashell/server/node';
import { generateEd25519Key } from '@seashell/transport';

/** An SSH server that greets whoever logs in with the right password. */
export async function startGreeter(port = 0) {
  const server = new Server({
    hostKeys: [generateEd25519Key()],
    passwordHandler: (ctx, password) => ctx.user === 'demo' && password === 'correct horse',
    handler: async (session) => {
      session.stdout.write(`Hello, ${session.user}! You asked for: ${session.rawCommand || 'a shell'}\n`);
      await session.exit(0);
    },
  });
  const address = await server.listen(port, '127.0.0.1');
  return { server, port: address.port };
}
