// A separate OS process that pays with a session key through executeWithSessionKey, for the test of two processes
// sharing one key. It runs the built SDK (dist/), as a deployed agent would, and prints one JSON line: each payment's
// outcome and the retries it saw. Usage: node sessionAgentProcess.mjs '<json config>'
import { defineChain, encodeFunctionData, erc20Abi, http } from 'viem';
import { LeashError, SessionKeySigner, createLeashAccountClient, executeWithSessionKey } from '@leash/sdk';

const config = JSON.parse(process.argv[2]);
const chain = defineChain({
  id: config.chainId,
  name: 'Leash local',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [config.rpcUrl] } },
});
const client = await createLeashAccountClient({
  chain,
  transport: http(config.rpcUrl),
  bundlerTransport: http(config.bundlerUrl),
  signer: new SessionKeySigner({ privateKey: config.privateKey }),
  accountAddress: config.account,
  pollingInterval: 200,
});

const retries = [];
async function pay(to) {
  const data = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, BigInt(config.amount)] });
  try {
    const { userOpHash, lane } = await executeWithSessionKey(client, {
      calls: [{ to: config.token, data }],
      delivery: { ...config.delivery, onRetry: (event) => retries.push(event) },
    });
    return { to, outcome: 'landed', userOpHash, lane: String(lane) };
  } catch (error) {
    return { to, outcome: 'refused', error: error.name, typed: error instanceof LeashError, message: error.message };
  }
}

// `concurrency` payments at a time, in order.
const queue = [...config.recipients];
const results = [];
await Promise.all(
  Array.from({ length: config.concurrency }, async () => {
    for (let to = queue.shift(); to; to = queue.shift()) results.push(await pay(to));
  }),
);
process.stdout.write(`${JSON.stringify({ results, retries })}\n`);
