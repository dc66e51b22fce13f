// Stand-ins for a PostgreSQL server that refuses a password (the test server trusts everyone) and
// for one that accepts a connection and never answers. They listen on 127.0.0.1 only.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll } from 'vitest';

function message(type: string, body: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.write(type, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

function authFailed(): Buffer {
  const field = (code: string, text: string) => Buffer.concat([Buffer.from(code), Buffer.from(text), Buffer.from([0])]);
  return message(
    'E',
    Buffer.concat([field('S', 'FATAL'), field('V', 'FATAL'), field('C', '28P01'), field('M', 'password authentication failed for user "alice"'), Buffer.from([0])]),
  );
}

async function listen(onSocket: (socket: Socket) => void): Promise<{ port: number; server: Server }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    onSocket(socket);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((done) => server.close(done));
  });
  return { port: (server.address() as { port: number }).port, server };
}

/** Asks for a cleartext password, then refuses whatever comes (28P01). */
export function refusingServer(): Promise<{ port: number }> {
  return listen((socket) => {
    let asked = false;
    socket.on('data', () => {
      if (!asked) {
        asked = true;
        const ask = Buffer.alloc(4);
        ask.writeInt32BE(3); // AuthenticationCleartextPassword
        socket.write(message('R', ask));
      } else {
        socket.end(authFailed());
      }
    });
  });
}

/** Accepts the connection and says nothing: only the connect timeout ends the wait. */
export function silentServer(): Promise<{ port: number }> {
  return listen(() => undefined);
}
