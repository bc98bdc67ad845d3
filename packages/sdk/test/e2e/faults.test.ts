// Faults through the real bundler: Alto killed and restarted, the node refusing connections, fees the bundler refuses,
// two processes sharing one session key. After each, the outcome is checked from the chain alone (the EntryPoint's
// events, balances, the module's getters), not from what the agent believes.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Address, type Hex, type PublicClient, encodeFunctionData, erc20Abi, getAbiItem, http, parseEther, parseUnits } from 'viem';
import { entryPoint08Abi } from 'viem/account-abstraction';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  type DeliveryOptions,
  type DeliveryRetryEvent,
  Erc20SpendLimitExceededError,
  LeashError,
  RequestRetriesExhaustedError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  UserOperationFeeTooLowError,
  UserOperationMayNotHaveBeenSentError,
  WEEK,
  DAY,
  createLeashAccountClient,
  entryPointAddress,
  sessionKeyActions,
} from '@leash/sdk';
import { type LocalStack, type ManagedProcess, spawnManaged } from '@leash/sdk/local';
import { startTestStack } from './helpers.js';
import { type RefusingProxy, startRefusingProxy } from './helpers/refusingProxy.js';

let stack: LocalStack;
let token: Address;
let publicClient: PublicClient;
const units = (amount: string) => parseUnits(amount, 6);
const newAddress = () => privateKeyToAccount(generatePrivateKey()).address;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const transfer = (to: Address, amount: bigint) => ({ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }) });
const balanceOf = (address: Address) => publicClient.readContract({ address: token, abi: erc20Abi, functionName: 'balanceOf', args: [address] });
// Quick checks, so that a dropped op is noticed within a second or two.
const fastDelivery: Partial<DeliveryOptions> = { dropCheckIntervalMs: 1_000, receiptTimeoutMs: 40_000 };

/**
 * A funded account with the module and one session key allowed `limit` of the token per week; its session client
 * reaches the node at `rpcUrl` and the bundler at `bundlerUrl` (the stack's by default).
 */
async function newAgent(limit: bigint, options: { rpcUrl?: string; bundlerUrl?: string } = {}) {
  const bundlerTransport = http(options.bundlerUrl ?? stack.bundlerUrl);
  const transports = { chain: stack.chain, transport: http(stack.rpcUrl), bundlerTransport, pollingInterval: 200 };
  const owner = (await createLeashAccountClient({ ...transports, owner: privateKeyToAccount(generatePrivateKey()) })).extend(sessionKeyActions());
  await stack.fund(owner.account.address, { ether: parseEther('5'), devTokens: units('1000') });
  const privateKey = generatePrivateKey();
  const signer = new SessionKeySigner({ privateKey });
  const key = await signer.getAddress();
  const permissions = new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: limit, refreshInterval: WEEK })
    .setGasSpendLimit({ spendLimit: parseEther('1'), refreshInterval: DAY });
  await owner.installSessionKeyModule({ keys: [key], tags: ['faults'], permissions: [permissions.encode()] });
  const session = (
    await createLeashAccountClient({
      ...transports,
      ...(options.rpcUrl ? { transport: http(options.rpcUrl) } : {}),
      signer,
      accountAddress: owner.account.address,
    })
  ).extend(sessionKeyActions());
  return { owner, session, key, privateKey, account: owner.account.address };
}

const userOperationEvent = getAbiItem({ abi: entryPoint08Abi, name: 'UserOperationEvent' });

/** The account's session ops on chain (nonce key = module ‖ lane), from the EntryPoint's events. */
async function sessionOpsOnChain(account: Address) {
  const logs = await publicClient.getLogs({ address: entryPointAddress, event: userOperationEvent, args: { sender: account }, fromBlock: 0n });
  const module = BigInt(stack.contracts.sessionKeyModule);
  return logs
    .map((log) => ({ ...(log.args as Required<typeof log.args>), blockNumber: log.blockNumber }))
    .filter((op) => op.nonce >> 96n === module);
}

/** The key's ERC-20 spend in this period, as the module reports it. */
async function erc20Used(owner: { getSessionKeyPermissions(p: { key: Address }): Promise<{ spending: { erc20: { status: { used: bigint } }[] } }> }, key: Address) {
  return (await owner.getSessionKeyPermissions({ key })).spending.erc20[0]!.status.used;
}

/**
 * One payment's outcome as the agent saw it: landed with its op's hash, or refused with an error (its name, whether it
 * is typed, and for an op that can no longer be included, the refusal that says why).
 */
type Payment = {
  to: Address;
  outcome: 'landed' | 'refused';
  userOpHash?: Hex | undefined;
  error?: string | undefined;
  typed?: boolean | undefined;
  because?: string | undefined;
};
const refused = (to: Address, error: unknown): Payment => ({
  to,
  outcome: 'refused',
  error: (error as Error).name,
  typed: error instanceof LeashError,
  because: error instanceof UserOperationMayNotHaveBeenSentError && error.reason === 'cannot-be-included' ? (error.cause as Error | undefined)?.name : undefined,
});

/**
 * Checks an agent's payments against the chain: every payment landed (its op's event is there, successful, and the
 * recipient got the amount once) or was refused with a typed error (its recipient got nothing); the chain holds no
 * other session op of the account; no nonce twice; the module's spend equals what landed and stays within `limit`.
 */
async function expectChainAgrees(
  agent: Awaited<ReturnType<typeof newAgent>>,
  payments: Payment[],
  amount: bigint,
  limit: bigint,
) {
  const onChain = await sessionOpsOnChain(agent.account);
  const landed = payments.filter((p) => p.outcome === 'landed');
  for (const payment of payments) {
    if (payment.outcome === 'refused') expect(payment.typed, `payment to ${payment.to}: ${payment.error}`).toBe(true);
    expect(await balanceOf(payment.to), `balance of ${payment.to}`).toBe(payment.outcome === 'landed' ? amount : 0n);
  }
  expect(onChain.filter((op) => op.success).map((op) => op.userOpHash).sort()).toEqual(landed.map((p) => p.userOpHash).sort());
  expect(onChain.every((op) => op.success)).toBe(true);
  expect(new Set(onChain.map((op) => op.nonce)).size).toBe(onChain.length);
  const spent = amount * BigInt(landed.length);
  expect(await erc20Used(agent.owner, agent.key)).toBe(spent);
  expect(spent).toBeLessThanOrEqual(limit);
}

beforeAll(async () => {
  ({ stack, token, publicClient } = await startTestStack());
}, 60_000);

afterAll(async () => {
  await stack?.stop();
});

describe('the bundler is killed mid-run and restarted on the same port', () => {
  it('pending ops land after the restart or fail typed; a retrying agent never pays twice nor beyond its budget', async () => {
    const amount = units('1');
    const limit = units('6');
    const agent = await newAgent(limit);
    const recipients = Array.from({ length: 8 }, newAddress);
    const retries: DeliveryRetryEvent[] = [];
    let sent = 0;
    let killed: Promise<void> | undefined;
    const delivery: Partial<DeliveryOptions> = {
      ...fastDelivery,
      onRetry: (event) => retries.push(event),
      // Kill the bundler the moment the second op is in its mempool: that op is pending, the next two are being
      // prepared or sent, the last four wait for the account's pending-op slots.
      onSent: () => {
        if (++sent === 2) killed = stack.bundler.stop({ kill: true });
      },
    };
    // The agent: on an unknown outcome it resumes the same op (never a new one, which could pay twice).
    const pay = async (to: Address): Promise<Payment> => {
      try {
        const { userOpHash } = await agent.session.executeWithSessionKey({ calls: [transfer(to, amount)], delivery });
        return { to, outcome: 'landed', userOpHash };
      } catch (error) {
        if (!(error instanceof UserOperationMayNotHaveBeenSentError)) return refused(to, error);
        try {
          const { userOpHash } = await agent.session.resumeUserOperation({ userOperation: error.userOperation, fromBlock: error.fromBlock, delivery });
          return { to, outcome: 'landed', userOpHash };
        } catch (again) {
          return refused(to, again);
        }
      }
    };

    const first = recipients.slice(0, 4).map(pay);
    while (!killed) await sleep(20);
    await killed;
    expect(stack.bundler.running).toBe(false);
    // Four more start while the bundler is down.
    const second = recipients.slice(4).map(pay);
    await sleep(1_500);
    await stack.bundler.start();
    const payments = await Promise.all([...first, ...second]);

    // Six fit in the budget, two are refused with the module's numbers: at a send, or (an op the bundler accepted while
    // the budget had room, and holds after the others spent it) as the reason it can no longer be included.
    expect(payments.filter((p) => p.outcome === 'landed')).toHaveLength(6);
    const refusals = payments.filter((p) => p.outcome === 'refused');
    expect(refusals.map((p) => p.because ?? p.error)).toEqual([Erc20SpendLimitExceededError.name, Erc20SpendLimitExceededError.name]);
    await expectChainAgrees(agent, payments, amount, limit);
    // The restart was ridden out: ops Alto lost were sent again.
    expect(retries.some((r) => r.reason.includes('no longer held'))).toBe(true);
  }, 90_000);
});

describe('an op that can no longer be included', () => {
  it('behind a nonce gap: given up on as may-not-have-been-sent, naming the gap (not as a nonce another op used); nothing lands', async () => {
    const amount = units('1');
    const agent = await newAgent(units('100'));
    const first = newAddress();
    const { userOpHash } = await agent.session.executeWithSessionKey({ calls: [transfer(first, amount)] });

    // An op signed one nonce ahead on an unused lane (another process's op on that nonce never came).
    const lane = 7n;
    const nextNonce = await agent.session.account.getNonce({ key: lane });
    const to = newAddress();
    const prepared = await agent.session.prepareUserOperation({ calls: [{ ...transfer(to, amount), value: 0n }], nonce: nextNonce });
    const ahead = { ...prepared, nonce: nextNonce + 1n };
    const userOperation = { ...ahead, signature: await agent.session.account.signUserOperation(ahead) };
    const retries: DeliveryRetryEvent[] = [];
    const started = Date.now();
    const error = await agent.session
      .resumeUserOperation({
        userOperation,
        fromBlock: await publicClient.getBlockNumber(),
        delivery: { dropCheckIntervalMs: 500, receiptTimeoutMs: 4_000, onRetry: (r) => retries.push(r) },
      })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(UserOperationMayNotHaveBeenSentError);
    expect(error).toMatchObject({ reason: 'cannot-be-included' });
    expect((error as Error).message).toContain(`sits behind a gap: the lane's next nonce is ${nextNonce & 0xffffffffffffffffn}`);
    expect(Date.now() - started).toBeLessThan(15_000);
    // Alto refuses it (AA25: no op of its own fills the gap), and the SDK says why rather than "another op used it".
    expect(retries).toEqual([]);

    await sleep(1_500);
    expect(await agent.session.account.getNonce({ key: lane })).toBe(nextNonce);
    await expectChainAgrees(agent, [{ to: first, outcome: 'landed', userOpHash }, refused(to, error)], amount, units('100'));
  }, 60_000);
});

describe('the node refuses connections for a few seconds', () => {
  let proxy: RefusingProxy;
  beforeAll(async () => {
    proxy = await startRefusingProxy(stack.rpcUrl);
  });
  afterAll(async () => {
    await proxy?.close();
  });

  it('retries reads with backoff and lands the op; past its retries it names what it gave up on, and nothing is sent', async () => {
    const amount = units('1');
    const agent = await newAgent(units('100'), { rpcUrl: proxy.url });
    const retries: DeliveryRetryEvent[] = [];
    const to = newAddress();

    const outage = proxy.refuseFor(3_000);
    const { userOpHash } = await agent.session.executeWithSessionKey({ calls: [transfer(to, amount)], delivery: { onRetry: (r) => retries.push(r) } });
    await outage;
    expect(retries.length).toBeGreaterThan(0);
    expect(retries[0]).toMatchObject({ step: "reading the key's limits", attempt: 1 });
    expect(retries[0]!.reason).toMatch(/^eth_call: /);

    // A longer outage than the retries allow: a typed error naming the request, and nothing sent.
    const opsBefore = await sessionOpsOnChain(agent.account);
    const longOutage = proxy.refuseFor(6_000);
    const error = await agent.session
      .executeWithSessionKey({ calls: [transfer(newAddress(), amount)], delivery: { retry: { attempts: 2, initialDelayMs: 100, maxDelayMs: 100 } } })
      .then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(RequestRetriesExhaustedError);
    const gaveUp = error as RequestRetriesExhaustedError;
    expect([gaveUp.step, gaveUp.method, gaveUp.attempts]).toEqual(["reading the key's limits", 'eth_call', 2]);
    expect(gaveUp.url).toContain(proxy.url);
    expect(gaveUp.message).toContain('Nothing was sent');
    await longOutage;
    expect(await sessionOpsOnChain(agent.account)).toEqual(opsBefore);
    await expectChainAgrees(agent, [{ to, outcome: 'landed', userOpHash }], amount, units('100'));
  }, 60_000);
});

describe('fees too low for the bundler', () => {
  it('is a typed error with the fee asked and the fee offered, and nothing is charged', async () => {
    // Alto 0.0.20 checks fees only outside safe mode and on its v2 API (as Pimlico's hosted bundlers do); its safe
    // mode and its default v1 API take any fee, down to 1 wei.
    await stack.bundler.stop();
    await stack.bundler.start({ safeMode: false });
    try {
      const agent = await newAgent(units('100'), { bundlerUrl: `${stack.bundlerUrl}/v2/rpc` });
      const balance = () => publicClient.getBalance({ address: agent.account });
      const deposit = () => publicClient.readContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'balanceOf', args: [agent.account] });
      const gasUsed = async () => (await agent.owner.getSessionKeyPermissions({ key: agent.key })).spending.gas;
      const before = { balance: await balance(), deposit: await deposit(), gas: await gasUsed(), ops: await sessionOpsOnChain(agent.account) };

      const to = newAddress();
      const error = await agent.session
        .executeWithSessionKey({ calls: [transfer(to, units('1'))], fees: { maxFeePerGas: 1n, maxPriorityFeePerGas: 1n } })
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(UserOperationFeeTooLowError);
      const tooLow = error as UserOperationFeeTooLowError;
      expect(tooLow.offered).toBe(1n);
      expect(tooLow.required).toBeGreaterThan(1n);

      await sleep(1_500); // a block or so: anything sent would be on chain
      expect({ balance: await balance(), deposit: await deposit(), gas: await gasUsed(), ops: await sessionOpsOnChain(agent.account) }).toEqual(before);
      expect(await erc20Used(agent.owner, agent.key)).toBe(0n);
      expect(await balanceOf(to)).toBe(0n);
    } finally {
      await stack.bundler.stop();
      await stack.bundler.start();
    }
  }, 60_000);
});

describe('two processes use the same session key at once', () => {
  const children: ManagedProcess[] = [];
  afterAll(async () => {
    for (const child of children) await child.stop();
  });

  it('every op lands or is refused typed, and no nonce is used twice', async () => {
    const amount = units('1');
    const agent = await newAgent(units('100'));
    const recipients = [Array.from({ length: 4 }, newAddress), Array.from({ length: 4 }, newAddress)];
    const script = path.join(import.meta.dirname, 'helpers', 'sessionAgentProcess.mjs');
    const runs = recipients.map((list) => {
      const config = {
        chainId: stack.chainId,
        rpcUrl: stack.rpcUrl,
        bundlerUrl: stack.bundlerUrl,
        privateKey: agent.privateKey,
        account: agent.account,
        token,
        amount: String(amount),
        recipients: list,
        concurrency: 2,
        delivery: fastDelivery,
      };
      const lines: string[] = [];
      const child = spawnManaged('session agent', process.execPath, [script, JSON.stringify(config)], { onOutput: (line) => lines.push(line) });
      children.push(child);
      return child.exited.then((code) => ({ code, lines, output: child.recentOutput() }));
    });
    const outputs = await Promise.all(runs);
    type Report = { results: Payment[]; retries: DeliveryRetryEvent[] };
    const reports = outputs.map(({ code, lines, output }) => {
      expect(code, output).toBe(0);
      return JSON.parse(lines.find((l) => l.startsWith('{'))!) as Report;
    });
    const payments = reports.flatMap((r) => r.results);
    expect(payments).toHaveLength(8);
    await expectChainAgrees(agent, payments, amount, units('100'));
    // The processes did collide on nonces, and the SDK took fresh ones.
    expect(reports.flatMap((r) => r.retries).some((r) => r.step === 'another op used the nonce')).toBe(true);
  }, 90_000);
});
