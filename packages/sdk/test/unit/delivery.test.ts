// Delivery against a scripted bundler and node (viem custom transports): what the SDK does when the bundler drops an
// op, cannot be reached, refuses it, or another op takes its nonce. The same faults through the real Alto are in
// test/e2e/faults.test.ts.
import { describe, expect, it } from 'vitest';
import {
  type Address,
  type Hex,
  HttpRequestError,
  RpcRequestError,
  TimeoutError,
  createClient,
  createPublicClient,
  custom,
  decodeFunctionData,
  encodeAbiParameters,
  encodeErrorResult,
  encodeEventTopics,
  encodeFunctionResult,
  numberToHex,
  zeroAddress,
} from 'viem';
import { type UserOperation, entryPoint08Abi, getUserOperationHash } from 'viem/account-abstraction';
import { foundry } from 'viem/chains';
import {
  type DeliveryClient,
  type DeliveryRetryEvent,
  Erc20SpendLimitExceededError,
  LeashError,
  NonceConflictError,
  RequestRetriesExhaustedError,
  TooManyPendingOperationsError,
  UserOperationFeeTooLowError,
  UserOperationMayNotHaveBeenSentError,
  classifyBundlerRefusal,
  defaultDeliveryOptions,
  deliverUserOperation,
  entryPointAddress,
  findUserOperationReceiptOnChain,
  isTransientError,
  resolveDeliveryOptions,
  sessionKeyModuleAbi,
  withRetries,
} from '@leash/sdk';

const sender: Address = '0x5c102624872818fed250Ce4833f0e1eef754BbC8';
const nonce = (0x1f08bbfde5ea8c5a6b4a23ce29dd218eacd23ba600000000n << 64n) | 7n;
const op: UserOperation<'0.8'> = {
  sender,
  nonce,
  callData: '0x',
  callGasLimit: 50_000n,
  verificationGasLimit: 100_000n,
  preVerificationGas: 50_000n,
  maxFeePerGas: 2_000_000_000n,
  maxPriorityFeePerGas: 1_000_000_000n,
  signature: `0x${'11'.repeat(69)}`,
};
const userOpHash = getUserOperationHash({ chainId: foundry.id, entryPointAddress, entryPointVersion: '0.8', userOperation: op });
const txHash: Hex = `0x${'ab'.repeat(32)}`;
const blockHash: Hex = `0x${'cd'.repeat(32)}`;

const networkDown = (method: string) => new HttpRequestError({ url: 'http://bundler', body: { method }, details: 'fetch failed' });
const refusal = (message: string, code = -32602, data?: unknown) =>
  new RpcRequestError({ body: { method: 'eth_sendUserOperation' }, url: 'http://bundler', error: { code, message, data } });

const rawLog = (address: Address, topics: Hex[], data: Hex, logIndex: number) => ({
  address,
  topics,
  data,
  blockHash,
  blockNumber: '0x10',
  transactionHash: txHash,
  transactionIndex: '0x0',
  logIndex: numberToHex(logIndex),
  removed: false,
});
/** The EntryPoint's logs of a bundle whose second op is ours: BeforeExecution, op 1's event, op 2's transfer and event. */
function bundleLogs(hash: Hex) {
  const event = (opHash: Hex, index: number) =>
    rawLog(
      entryPointAddress,
      encodeEventTopics({ abi: entryPoint08Abi, eventName: 'UserOperationEvent', args: { userOpHash: opHash, sender, paymaster: zeroAddress } }) as Hex[],
      encodeAbiParameters([{ type: 'uint256' }, { type: 'bool' }, { type: 'uint256' }, { type: 'uint256' }], [nonce, true, 123_000n, 99_000n]),
      index,
    );
  return [
    rawLog(entryPointAddress, encodeEventTopics({ abi: entryPoint08Abi, eventName: 'BeforeExecution' }) as Hex[], '0x', 0),
    event(`0x${'01'.repeat(32)}`, 1),
    rawLog('0x00000000000000000000000000000000000000aa', [`0x${'ee'.repeat(32)}`], '0x', 2),
    event(hash, 3),
  ];
}
const rawReceipt = (logs: unknown[]) => ({
  blockHash,
  blockNumber: '0x10',
  contractAddress: null,
  cumulativeGasUsed: '0x30000',
  effectiveGasPrice: '0x3b9aca00',
  from: '0x70997970c51812dc3a010c7d01b50e0d17dc79c8',
  gasUsed: '0x30000',
  logs,
  logsBloom: `0x${'00'.repeat(256)}`,
  status: '0x1',
  to: entryPointAddress,
  transactionHash: txHash,
  transactionIndex: '0x0',
  type: '0x2',
});

type Script = {
  /** What eth_sendUserOperation does on the n-th call (from 0). */
  send?: (n: number) => Hex | Error;
  /** The bundler's receipt on the n-th poll (null: none yet), or an error. */
  receipt?: (n: number) => unknown | Error;
  /** The bundler's status on the n-th call; `not_submitted` (holding it) by default. */
  status?: (n: number) => { status: string } | Error;
  /** The on-chain nonce (default: the op's while it is not on chain, the next one once it is). */
  chainNonce?: () => bigint;
  /** Whether our op's event is on chain. */
  onChain?: () => boolean;
  /** The EntryPoint's handleOps of our op alone, as an eth_call: its revert data, undefined when it would pass, or a failure. */
  inclusion?: () => Hex | Error | undefined;
};

/** A delivery client over a scripted bundler and node; counts the bundler's calls by method. */
function fakeClient(script: Script) {
  const calls: Record<string, number> = {};
  const count = (method: string) => (calls[method] = (calls[method] ?? 0) + 1) - 1;
  const bundler = createClient({
    chain: foundry,
    transport: custom({
      async request({ method }) {
        const n = count(method);
        const answer =
          method === 'eth_sendUserOperation'
            ? (script.send ?? (() => userOpHash))(n)
            : method === 'eth_getUserOperationReceipt'
              ? (script.receipt ?? (() => null))(n)
              : method === 'pimlico_getUserOperationStatus'
                ? (script.status ?? (() => ({ status: 'not_submitted' })))(n)
                : new Error(`unexpected bundler call ${method}`);
        if (answer instanceof Error) throw answer;
        return answer;
      },
    }),
  });
  const node = createPublicClient({
    chain: foundry,
    transport: custom({
      async request({ method, params }) {
        count(method);
        const [arg] = (params ?? []) as [Record<string, unknown>];
        if (method === 'eth_chainId') return numberToHex(foundry.id);
        if (method === 'eth_blockNumber') return '0x10';
        if (method === 'eth_call') {
          const { functionName } = decodeFunctionData({ abi: entryPoint08Abi, data: arg.data as Hex });
          if (functionName === 'handleOps') {
            const revertData = (script.inclusion ?? (() => undefined))();
            if (revertData instanceof Error) throw revertData;
            if (revertData) throw new RpcRequestError({ body: { method }, url: 'http://node', error: { code: 3, message: 'execution reverted', data: revertData } });
            return '0x';
          }
          if (functionName !== 'getNonce') throw new Error(`unexpected eth_call ${functionName}`);
          return encodeFunctionResult({ abi: entryPoint08Abi, functionName: 'getNonce', result: (script.chainNonce ?? (() => ((script.onChain ?? (() => false))() ? nonce + 1n : nonce)))() });
        }
        if (method === 'eth_getLogs') {
          const wanted = ((arg.topics as (Hex | Hex[] | null)[])[1] ?? []) as Hex[];
          const ours = bundleLogs(userOpHash)[3]!;
          return (script.onChain ?? (() => false))() && [wanted].flat().includes(userOpHash) ? [ours] : [];
        }
        if (method === 'eth_getTransactionReceipt') return rawReceipt(bundleLogs(userOpHash));
        throw new Error(`unexpected node call ${method}`);
      },
    }),
  });
  const client: DeliveryClient = { request: bundler.request as DeliveryClient['request'], client: node, chain: foundry, pollingInterval: 1 };
  return { client, calls };
}

const bundlerReceipt = {
  userOpHash,
  entryPoint: entryPointAddress,
  sender,
  nonce: numberToHex(nonce),
  paymaster: zeroAddress,
  actualGasCost: '0x1e078',
  actualGasUsed: '0x182b8',
  success: true,
  logs: [],
  receipt: rawReceipt([]),
};

const fast = (overrides: Partial<typeof defaultDeliveryOptions> = {}) =>
  resolveDeliveryOptions({ dropCheckIntervalMs: 0, receiptTimeoutMs: 300, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 }, ...overrides });

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('delivery options', () => {
  it('fills in the documented defaults, merges a partial retry policy, and refuses nonsense', () => {
    expect(resolveDeliveryOptions(undefined)).toEqual(defaultDeliveryOptions);
    expect(defaultDeliveryOptions).toMatchObject({
      retry: { attempts: 6, initialDelayMs: 250, maxDelayMs: 4_000 },
      receiptTimeoutMs: 120_000,
      heldTimeoutMs: 600_000,
      dropCheckIntervalMs: 5_000,
      maxResends: 5,
      conflictRetries: 5,
      feeRetries: 1,
    });
    expect(resolveDeliveryOptions({ retry: { attempts: 2 } as never }).retry).toEqual({ attempts: 2, initialDelayMs: 250, maxDelayMs: 4_000 });
    expect(() => resolveDeliveryOptions({ retry: { attempts: 0 } as never })).toThrow('delivery.retry.attempts must be a whole number of at least 1, not 0.');
    expect(() => resolveDeliveryOptions({ maxResends: 1.5 })).toThrow(LeashError);
    expect(() => resolveDeliveryOptions({ receiptTimeoutMs: -1 })).toThrow('delivery.receiptTimeoutMs must be a number of milliseconds, at least 0, not -1.');
  });
});

describe('classifying failures', () => {
  it('retries network failures, timeouts, 5xx and rate limits; never refusals or the SDK’s own verdicts', () => {
    expect(isTransientError(networkDown('eth_call'))).toBe(true);
    expect(isTransientError(new TimeoutError({ body: {}, url: 'http://node' }))).toBe(true);
    expect(isTransientError(new HttpRequestError({ url: 'http://node', status: 503 }))).toBe(true);
    expect(isTransientError(new HttpRequestError({ url: 'http://node', status: 429 }))).toBe(true);
    expect(isTransientError(new HttpRequestError({ url: 'http://node', status: 400 }))).toBe(false);
    expect(isTransientError(Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new Error('wrapped', { cause: networkDown('eth_call') }))).toBe(true);
    expect(isTransientError(refusal('AA23 reverted 0x1234', -32500))).toBe(false);
    expect(isTransientError(new Error('execution reverted'))).toBe(false);
    expect(isTransientError(new LeashError('refused', { cause: networkDown('eth_call') }))).toBe(false);
  });

  it("reads a bundler's refusals: duplicate, nonce conflict, full mempool, fees", () => {
    expect(classifyBundlerRefusal(refusal('Already known'))).toEqual({ kind: 'already-known' });
    expect(classifyBundlerRefusal(refusal('AA25 invalid account nonce: User operation already present in mempool, bump the gas price by minimum 10%'))).toEqual({
      kind: 'nonce-conflict',
    });
    expect(classifyBundlerRefusal(refusal('UserOperation failed validation with reason: AA25 invalid account nonce', -32500))).toEqual({ kind: 'nonce-conflict' });
    expect(classifyBundlerRefusal(refusal(`Account ${sender} is unstaked and must stake minimum 1 to use pimlico`, -32505))).toEqual({ kind: 'sender-busy' });
    expect(
      classifyBundlerRefusal(refusal('maxFeePerGas must be at least 1000 (current maxFeePerGas: 1) - use pimlico_getUserOperationGasPrice to get the current gas price')),
    ).toEqual({ kind: 'fee-too-low', fee: 'maxFeePerGas', required: 1000n, offered: 1n });
    expect(classifyBundlerRefusal(refusal('maxPriorityFeePerGas is too low'))).toEqual({ kind: 'fee-too-low', fee: 'maxPriorityFeePerGas', required: undefined, offered: undefined });
    expect(classifyBundlerRefusal(refusal('AA23 reverted 0xb72f269d', -32500))).toBeUndefined();
  });
});

describe('withRetries', () => {
  it('retries transient failures with growing delays and reports each retry', async () => {
    const events: DeliveryRetryEvent[] = [];
    let tries = 0;
    const value = await withRetries(
      async () => {
        if (++tries < 3) throw networkDown('eth_getBalance');
        return 42;
      },
      { attempts: 5, initialDelayMs: 4, maxDelayMs: 100 },
      { step: 'reading', onRetry: (e) => events.push(e) },
    );
    expect(value).toBe(42);
    expect(events.map((e) => [e.step, e.attempt, e.reason.split(':')[0]])).toEqual([
      ['reading', 1, 'eth_getBalance'],
      ['reading', 2, 'eth_getBalance'],
    ]);
    // 4 ms then 8 ms, each ±25 %.
    expect(events[0]!.delayMs).toBeGreaterThanOrEqual(3);
    expect(events[0]!.delayMs).toBeLessThanOrEqual(5);
    expect(events[1]!.delayMs).toBeGreaterThanOrEqual(6);
    expect(events[1]!.delayMs).toBeLessThanOrEqual(10);
  });

  it('gives up after its attempts naming the request, and never retries a refusal', async () => {
    let tries = 0;
    const error = await rejection(
      withRetries(async () => {
        tries++;
        throw networkDown('eth_call');
      }, { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 }, { step: 'reading the nonce' }),
    );
    expect(error).toBeInstanceOf(RequestRetriesExhaustedError);
    expect(error).toMatchObject({ step: 'reading the nonce', method: 'eth_call', url: 'http://bundler', attempts: 3 });
    expect((error as Error).message).toContain('Nothing was sent');
    expect(tries).toBe(3);

    tries = 0;
    const refused = refusal('AA23 reverted', -32500);
    expect(await rejection(withRetries(async () => (tries++, Promise.reject(refused)), { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 }, { step: 'x' }))).toBe(refused);
    expect(tries).toBe(1);
  });
});

describe('finding an op on chain', () => {
  /** A node at block `latest` that records the block ranges asked of eth_getLogs and has no event; the lane's nonce as given. */
  const node = (latest: bigint, laneNonce: bigint) => {
    const ranges: [bigint, bigint][] = [];
    const client = createPublicClient({
      chain: foundry,
      transport: custom({
        async request({ method, params }) {
          const [arg] = (params ?? []) as [Record<string, Hex>];
          if (method === 'eth_blockNumber') return numberToHex(latest);
          if (method === 'eth_getLogs') {
            ranges.push([BigInt(arg.fromBlock!), BigInt(arg.toBlock!)]);
            return [];
          }
          if (method === 'eth_call') return encodeFunctionResult({ abi: entryPoint08Abi, functionName: 'getNonce', result: laneNonce });
          throw new Error(`unexpected node call ${method}`);
        },
      }),
    });
    return { client, ranges };
  };

  it('reads logs newest first, at most 1,000 blocks per request (public RPCs refuse longer ranges)', async () => {
    const { client, ranges } = node(2_500n, 0n);
    expect(await findUserOperationReceiptOnChain(client, { userOpHashes: [userOpHash], fromBlock: 0n })).toBeNull();
    expect(ranges).toEqual([
      [1_501n, 2_500n],
      [501n, 1_500n],
      [0n, 500n],
    ]);
  });

  it('answers "not on chain" from the EntryPoint nonce without reading logs while the op\'s nonce is unused', async () => {
    const unused = node(2_500n, nonce);
    expect(await findUserOperationReceiptOnChain(unused.client, { userOpHashes: [userOpHash], fromBlock: 0n, sender, nonce })).toBeNull();
    expect(unused.ranges).toEqual([]);
    const used = node(2_500n, nonce + 1n);
    expect(await findUserOperationReceiptOnChain(used.client, { userOpHashes: [userOpHash], fromBlock: 2_000n, sender, nonce })).toBeNull();
    expect(used.ranges).toEqual([[2_000n, 2_500n]]);
  });
});

describe('deliverUserOperation', () => {
  it('asks for the receipt once the bundler has bundled the op, and reports the op sent once', async () => {
    const sent: Hex[] = [];
    const { client, calls } = fakeClient({
      status: (n) => ({ status: n < 3 ? 'not_submitted' : n < 4 ? 'submitted' : 'included' }),
      receipt: (n) => (n < 1 ? null : bundlerReceipt),
    });
    const receipt = await deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 60_000, onSent: (s) => sent.push(s.userOpHash) }) });
    expect([receipt.userOpHash, receipt.success, receipt.actualGasCost]).toEqual([userOpHash, true, 0x1e078n]);
    expect(sent).toEqual([userOpHash]);
    expect(calls.eth_sendUserOperation).toBe(1);
    // Three cheap status polls while the bundler held it; the receipt (a log search on its node) only once bundled.
    expect([calls.pimlico_getUserOperationStatus, calls.eth_getUserOperationReceipt]).toEqual([5, 2]);
  });

  it('polls for the receipt every time on a bundler without a status method', async () => {
    const { client, calls } = fakeClient({ status: () => refusal('Method not found', -32601), receipt: (n) => (n < 2 ? null : bundlerReceipt) });
    await deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 60_000 }) });
    expect([calls.pimlico_getUserOperationStatus, calls.eth_getUserOperationReceipt]).toEqual([1, 3]);
  });

  it('sends the same op again when the bundler dropped it (a restart), and it lands once', async () => {
    const retries: DeliveryRetryEvent[] = [];
    let resent = false;
    const { client, calls } = fakeClient({
      status: () => ({ status: resent ? 'included' : 'not_found' }),
      send: (n) => ((resent = n > 0), userOpHash),
      receipt: () => (resent ? bundlerReceipt : null),
    });
    const receipt = await deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ onRetry: (r) => retries.push(r) }) });
    expect(receipt.userOpHash).toBe(userOpHash);
    expect(calls.eth_sendUserOperation).toBe(2);
    expect(retries.map((r) => r.reason)).toEqual([`the bundler no longer held ${userOpHash}: sent it again`]);
  });

  it('finds the op on chain by its hash while the bundler cannot be reached, with the op’s own logs', async () => {
    let landed = false;
    const { client } = fakeClient({
      send: () => ((landed = true), networkDown('eth_sendUserOperation')),
      status: () => networkDown('pimlico_getUserOperationStatus'),
      receipt: () => networkDown('eth_getUserOperationReceipt'),
      onChain: () => landed,
    });
    const receipt = await deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ receiptTimeoutMs: 60_000 }) });
    expect(receipt).toMatchObject({ userOpHash, sender, nonce, success: true, actualGasCost: 123_000n, actualGasUsed: 99_000n, paymaster: undefined });
    expect(receipt.receipt.transactionHash).toBe(txHash);
    // Only the logs between the previous op's event and ours.
    expect(receipt.logs.map((log) => log.logIndex)).toEqual([2]);
  });

  it('reports a nonce another op used: this op can never land', async () => {
    const { client } = fakeClient({ chainNonce: () => nonce + 1n, status: () => ({ status: 'not_found' }) });
    const error = await rejection(deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast() }));
    expect(error).toBeInstanceOf(NonceConflictError);
    expect(error).toMatchObject({ sender, nonce, userOpHash });
  });

  it('turns refusals into typed errors: fees, a full mempool, a nonce taken, the module’s rule on a re-send', async () => {
    const deliver = (script: Script) => rejection(deliverUserOperation(fakeClient(script).client, { userOperation: op, fromBlock: 16n, delivery: fast() }));
    const fees = await deliver({ send: () => refusal('maxPriorityFeePerGas must be at least 50 (current maxPriorityFeePerGas: 1) - use pimlico_getUserOperationGasPrice') });
    expect(fees).toBeInstanceOf(UserOperationFeeTooLowError);
    expect(fees).toMatchObject({ fee: 'maxPriorityFeePerGas', offered: 1n, required: 50n });
    expect(await deliver({ send: () => refusal(`Account ${sender} is unstaked and must stake minimum 1 to use pimlico`, -32505) })).toBeInstanceOf(
      TooManyPendingOperationsError,
    );
    expect(await deliver({ send: () => refusal('AA25 invalid account nonce', -32500) })).toBeInstanceOf(NonceConflictError);
    // Sent, then thrown out by the bundler (spent by another op of the key meanwhile): the re-send says why.
    const revertData = encodeErrorResult({ abi: sessionKeyModuleAbi, errorName: 'Erc20SpendLimitExceeded', args: [sender, 10n, 10n, 1n] });
    const spent = await deliver({
      status: () => ({ status: 'rejected' }),
      send: (n) => (n === 0 ? userOpHash : refusal('UserOperation reverted during simulation', -32500, { revertData })),
    });
    expect(spent).toBeInstanceOf(Erc20SpendLimitExceededError);
    expect(spent).toMatchObject({ limit: 10n, used: 10n, attempted: 1n });
  });

  it('gives up after its timeout with the signed op, to resume; a bundler without a status method gets no blind re-sends', async () => {
    const { client, calls } = fakeClient({ status: () => refusal('Method not found', -32601) });
    const error = await rejection(deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ receiptTimeoutMs: 50, heldTimeoutMs: 60_000 }) }));
    expect(error).toBeInstanceOf(UserOperationMayNotHaveBeenSentError);
    expect(error).toMatchObject({ reason: 'receipt-timeout', userOpHash, userOperation: op, fromBlock: 16n });
    expect((error as Error).message).toContain('resumeUserOperation');
    expect(calls.eth_sendUserOperation).toBe(1);
  });

  it('waits longer for an op the bundler says it holds, then says so', async () => {
    const started = Date.now();
    const { client } = fakeClient({});
    const error = await rejection(deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ receiptTimeoutMs: 20, heldTimeoutMs: 150 }) }));
    expect(error).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'held-too-long' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('gives up on an op the bundler holds but the EntryPoint refuses at two checks in a row, with the refusal as cause', async () => {
    // Alto 0.0.20 keeps such an op (the key's budget spent by ops that landed after it was accepted), re-validating it
    // before every bundle, forever: without the check, delivery waited out heldTimeoutMs.
    const moduleRevert = encodeErrorResult({ abi: sessionKeyModuleAbi, errorName: 'Erc20SpendLimitExceeded', args: [sender, 6n, 6n, 1n] });
    const failedOp = encodeErrorResult({ abi: entryPoint08Abi, errorName: 'FailedOpWithRevert', args: [0n, 'AA23 reverted', moduleRevert] });
    let checks = 0;
    const { client, calls } = fakeClient({ inclusion: () => (checks++ === 0 ? undefined : failedOp) });
    const started = Date.now();
    const error = await rejection(
      deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 5, receiptTimeoutMs: 20, heldTimeoutMs: 60_000 }) }),
    );
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(error).toBeInstanceOf(UserOperationMayNotHaveBeenSentError);
    expect(error).toMatchObject({ reason: 'cannot-be-included', userOpHash, userOperation: op });
    expect((error as Error).message).toContain('The EntryPoint refuses it: AA23 reverted.');
    expect((error as Error).cause).toBeInstanceOf(Erc20SpendLimitExceededError);
    expect((error as Error).cause).toMatchObject({ limit: 6n, used: 6n, attempted: 1n });
    // Passed once, then refused twice in a row; never sent again.
    expect(checks).toBe(3);
    expect(calls.eth_sendUserOperation).toBe(1);
  });

  it('keeps waiting for a held op the EntryPoint would include, and forgives a single refusal', async () => {
    const failedOp = encodeErrorResult({ abi: entryPoint08Abi, errorName: 'FailedOp', args: [0n, 'AA31 paymaster deposit too low'] });
    let checks = 0;
    const { client } = fakeClient({ inclusion: () => (checks++ % 2 === 0 ? failedOp : undefined) });
    const error = await rejection(deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 5, receiptTimeoutMs: 20, heldTimeoutMs: 1_000 }) }));
    expect(error).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'held-too-long' });
    // Refused, passed, refused, …: at least one refusal after a pass, forgiven.
    expect(checks).toBeGreaterThanOrEqual(3);
    // A check the node cannot answer in a readable way gives no verdict.
    const unreadable = fakeClient({ inclusion: () => new RpcRequestError({ body: { method: 'eth_call' }, url: 'http://node', error: { code: -32000, message: 'header not found' } }) });
    const stillHeld = await rejection(deliverUserOperation(unreadable.client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 5, receiptTimeoutMs: 20, heldTimeoutMs: 200 }) }));
    expect(stillHeld).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'held-too-long' });
  });

  it('does not re-send an op behind a nonce gap, and gives up when no op fills the gap in time', async () => {
    const { client, calls } = fakeClient({ status: () => ({ status: 'not_found' }), chainNonce: () => nonce - 2n });
    const error = await rejection(
      deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 5, receiptTimeoutMs: 100, heldTimeoutMs: 60_000 }) }),
    );
    expect(error).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'cannot-be-included' });
    expect((error as Error).message).toMatch(/Its nonce 7 on its lane sits behind a gap: the lane's next nonce is 5, and no op used it in \d+\.\d s\./);
    expect(calls.eth_sendUserOperation).toBe(1);
    // Refused at once by a bundler that holds no op before it (AA25): the gap is named, not a nonce another op used.
    const refusedAtOnce = await rejection(
      deliverUserOperation(fakeClient({ send: () => refusal('AA25 invalid account nonce', -32500), chainNonce: () => nonce - 2n }).client, {
        userOperation: op,
        fromBlock: 16n,
        delivery: fast(),
      }),
    );
    expect(refusedAtOnce).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'cannot-be-included' });
    expect((refusedAtOnce as Error).message).toContain("the lane's next nonce is 5");
  });

  it('follows an op behind a gap that another op fills: re-sent once the bundler dropped it, then it lands', async () => {
    let chainNonce = nonce - 1n;
    let resent = false;
    const { client, calls } = fakeClient({
      chainNonce: () => chainNonce,
      status: (n) => {
        if (n === 3) chainNonce = nonce; // the op before it lands
        return { status: resent ? 'included' : 'not_found' };
      },
      send: (n) => ((resent = n > 0), userOpHash),
      receipt: () => (resent ? bundlerReceipt : null),
    });
    const receipt = await deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ dropCheckIntervalMs: 5, receiptTimeoutMs: 5_000 }) });
    expect(receipt.userOpHash).toBe(userOpHash);
    expect(calls.eth_sendUserOperation).toBe(2);
  });

  it('says the bundler could not be reached when it never answered', async () => {
    const { client } = fakeClient({ send: () => networkDown('eth_sendUserOperation'), receipt: () => networkDown('eth_getUserOperationReceipt'), status: () => networkDown('x') });
    const error = await rejection(deliverUserOperation(client, { userOperation: op, fromBlock: 16n, delivery: fast({ receiptTimeoutMs: 30 }) }));
    expect(error).toMatchObject({ name: 'UserOperationMayNotHaveBeenSentError', reason: 'bundler-unreachable' });
  });
});
