import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { LocalStack } from '@leash/sdk/local';
import { ensureWebAppBuilt, webAppDirectory } from './build.js';
import type { SessionManagerConfig } from './config.js';

/** Options of {@link startSessionManager}. */
export type StartSessionManagerOptions = {
  /** The chain to manage keys on, as the page receives it from /config.json. */
  config: SessionManagerConfig;
  /** Port to listen on; 0 (default) picks a free one. */
  port?: number | undefined;
  /** Interface to listen on. Default 127.0.0.1: the config may hold development keys. */
  host?: string | undefined;
  /**
   * Whether to build the browser assets first: `'if-stale'` (default) when they are missing or older than their
   * sources, `'if-missing'` only when there are none, `'never'`.
   */
  build?: 'if-stale' | 'if-missing' | 'never' | undefined;
  /** Receives progress lines (building). */
  onProgress?: ((line: string) => void) | undefined;
};

/** A running web session manager. */
export type SessionManager = {
  /** The page's URL, e.g. http://127.0.0.1:5173/ */
  url: string;
  port: number;
  /** Stops listening and closes open connections. Safe to call twice. */
  stop(): Promise<void>;
};

/**
 * The config of a local stack for the page: its URLs and contracts, and the development owner and faucet keys.
 *
 * @example
 * ```ts
 * const stack = await startLocalStack()
 * const manager = await startSessionManager({ config: sessionManagerConfigFromStack(stack) })
 * ```
 */
export function sessionManagerConfigFromStack(stack: LocalStack): SessionManagerConfig {
  return {
    chainId: stack.chainId,
    chainName: stack.chain.name,
    rpcUrl: stack.rpcUrl,
    bundlerUrl: stack.bundlerUrl,
    contracts: {
      entryPoint: stack.contracts.entryPoint,
      accountFactory: stack.contracts.accountFactory,
      accountImplementation: stack.contracts.accountImplementation,
      sessionKeyModule: stack.contracts.sessionKeyModule,
      permissionUpdater: stack.contracts.permissionUpdater,
      sessionKeyLens: stack.contracts.sessionKeyLens,
      devToken: stack.contracts.devToken,
    },
    devOwnerKey: stack.keys.devOwner,
    devFaucetKey: stack.keys.faucet,
  };
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The file under the assets directory a request path names, or undefined when it names none (or escapes it). */
function assetFor(requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  const file = path.resolve(webAppDirectory, `.${path.posix.normalize(decoded)}`);
  if (!file.startsWith(webAppDirectory + path.sep)) return undefined;
  return fs.existsSync(file) && fs.statSync(file).isFile() ? file : undefined;
}

/**
 * Serves the web session manager: the built app and GET /config.json describing the chain. Listens on 127.0.0.1 and a
 * free port by default; builds the app first when its assets are stale.
 *
 * @example
 * ```ts
 * const manager = await startSessionManager({ config })
 * console.log(`Open ${manager.url}`)
 * await manager.stop()
 * ```
 */
export async function startSessionManager(options: StartSessionManagerOptions): Promise<SessionManager> {
  const { config, port = 0, host = '127.0.0.1', build = 'if-stale' } = options;
  const indexFile = path.join(webAppDirectory, 'index.html');
  if (build === 'if-stale' || (build === 'if-missing' && !fs.existsSync(indexFile))) await ensureWebAppBuilt({ log: options.onProgress });
  if (!fs.existsSync(indexFile)) {
    throw new Error(`The web session manager is not built (${indexFile} is missing): run \`npm run build -w @leash/web\`.`);
  }
  const configBody = JSON.stringify(config);

  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/config.json') {
      response.writeHead(200, { 'content-type': contentTypes['.json']!, 'cache-control': 'no-store' }).end(configBody);
      return;
    }
    // Any path without a file extension is a page of the app.
    const file = assetFor(url.pathname) ?? (path.extname(url.pathname) === '' ? indexFile : undefined);
    if (!file) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found\n');
      return;
    }
    const immutable = file.includes(`${path.sep}assets${path.sep}`); // Vite's hashed file names
    response.writeHead(200, {
      'content-type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (request.method === 'HEAD') response.end();
    else fs.createReadStream(file).pipe(response);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port: actualPort } = server.address() as AddressInfo;
  let stopped: Promise<void> | undefined;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${actualPort}/`,
    port: actualPort,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
