import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/**
 * An HTTP proxy in front of a JSON-RPC node that can refuse connections for a while (its port closed, open
 * connections cut), as a node does when it restarts or a load balancer drops it.
 */
export type RefusingProxy = {
  url: string;
  /** Closes the port now and opens it again after `ms`; resolves once it is open again. */
  refuseFor(ms: number): Promise<void>;
  close(): Promise<void>;
};

export async function startRefusingProxy(target: string): Promise<RefusingProxy> {
  const sockets = new Set<Socket>();
  const server = http.createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      const answer = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json' }, body: Buffer.concat(chunks) });
      response.writeHead(answer.status, { 'content-type': 'application/json' });
      response.end(Buffer.from(await answer.arrayBuffer()));
    } catch {
      response.destroy();
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const listen = (port: number) => new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', () => resolve()));
  const shut = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });
  await listen(0);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    async refuseFor(ms) {
      await shut();
      await new Promise((resolve) => setTimeout(resolve, ms));
      await listen(port);
    },
    close: async () => {
      if (server.listening) await shut();
    },
  };
}
