import net from 'node:net';

/**
 * A TCP port that is free on 127.0.0.1 right now (the OS picks it).
 *
 * @example
 * ```ts
 * const port = await getFreePort()
 * ```
 */
export function getFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Whether something already listens on `port` of 127.0.0.1.
 *
 * @example
 * ```ts
 * const port = (await isPortInUse(8545)) ? await getFreePort() : 8545
 * ```
 */
export function isPortInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
