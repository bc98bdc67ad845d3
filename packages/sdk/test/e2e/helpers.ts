import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { type Address, createPublicClient, http as httpTransport, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { type SessionKeySignerLike, createLeashAccountClient, sessionKeyActions } from '@leash/sdk';
import { type LocalStack, startLocalStack } from '@leash/sdk/local';

/** A file's local stack, its development token and a public client on its RPC (the caller stops the stack). */
export async function startTestStack() {
  const stack = await startLocalStack();
  const publicClient = createPublicClient({ chain: stack.chain, transport: httpTransport(stack.rpcUrl) });
  return { stack, token: stack.contracts.devToken, publicClient };
}

/** A funded owner client of a new account on the stack, with the session key module installed unless said otherwise. */
export async function newOwnerClient(stack: LocalStack, options: { install?: boolean; ether?: string } = {}) {
  const client = (
    await createLeashAccountClient({
      chain: stack.chain,
      transport: httpTransport(stack.rpcUrl),
      bundlerTransport: httpTransport(stack.bundlerUrl),
      owner: privateKeyToAccount(generatePrivateKey()),
    })
  ).extend(sessionKeyActions());
  await stack.fund(client.account.address, { ether: parseEther(options.ether ?? '2'), devTokens: parseUnits('10000', 6) });
  if (options.install !== false) await client.installSessionKeyModule();
  return client;
}

/** A client of `account` that signs with the session key `signer`. */
export async function newSessionClient(stack: LocalStack, account: Address, signer: SessionKeySignerLike) {
  return (
    await createLeashAccountClient({
      chain: stack.chain,
      transport: httpTransport(stack.rpcUrl),
      bundlerTransport: httpTransport(stack.bundlerUrl),
      signer,
      accountAddress: account,
    })
  ).extend(sessionKeyActions());
}

/**
 * A JSON-RPC proxy in front of `upstream` that refuses eth_getLogs, as public RPC providers do for long block ranges,
 * answers every other method from upstream, and records each method it was asked (batches included).
 */
export async function startLogRefusingRpc(upstream: string): Promise<{ url: string; methods: string[]; close(): Promise<void> }> {
  const methods: string[] = [];
  const answer = async (request: { id?: unknown; method?: string }) => {
    methods.push(String(request.method));
    if (request.method === 'eth_getLogs')
      return { jsonrpc: '2.0', id: request.id ?? null, error: { code: -32005, message: 'eth_getLogs is not available on this RPC: query a shorter range' } };
    const response = await fetch(upstream, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) });
    return response.json();
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      void (async () => {
        const parsed = JSON.parse(body) as { method?: string } | { method?: string }[];
        const result = Array.isArray(parsed) ? await Promise.all(parsed.map(answer)) : await answer(parsed);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(result));
      })().catch((error: unknown) => {
        res.writeHead(500);
        res.end(String(error));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    methods,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Awaits an op that must be refused, checks the error's type and returns it. */
export async function expectRefusal<E extends Error>(promise: Promise<unknown>, type: new (...args: never[]) => E): Promise<E> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'the op should have been refused').toBeInstanceOf(type);
  return error as E;
}
