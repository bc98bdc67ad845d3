import { type Address, type Hex, encodeFunctionData, erc20Abi, parseEther, parseUnits } from 'viem';
import {
  type Call,
  type DeliveryOptions,
  type LeashAccountClient,
  LeashError,
  SessionKeyNotAuthorizedError,
  SessionKeyPermissionsBuilder,
  UserOperationMayNotHaveBeenSentError,
  type UserOperationResult,
  WEEK,
  executeWithSessionKey,
  resumeUserOperation,
} from '@leash/sdk';

/**
 * What an agent's key may do, and how the agent behaves:
 * - `steady`: a lifetime ERC-20 limit it never reaches;
 * - `capped`: a weekly ERC-20 limit it reaches during the run, after which its ERC-20 payments are refused;
 * - `short`: an ERC-20 limit per short period that refreshes during the run; it would rather skip a payment than
 *   wait for the next period (maxWaitSeconds 0), so near a period's end its ERC-20 payments are refused by the SDK;
 * - `plain`: a lifetime ERC-20 limit it never reaches.
 * Every key also has a lifetime native limit (payments to its own payee) and a lifetime gas limit.
 */
export type AgentRole = 'steady' | 'capped' | 'short' | 'plain';
export const agentRoles: readonly AgentRole[] = ['steady', 'capped', 'short', 'plain'];

/** The limits of each role, in the dev token's base units (6 decimals) and wei; one table for the run and its report. */
export const roleLimits = {
  steady: { erc20: parseUnits('1000000', 6), erc20Interval: 0 },
  capped: { erc20: parseUnits('40', 6), erc20Interval: WEEK },
  short: { erc20: parseUnits('10', 6), erc20Interval: 90 },
  plain: { erc20: parseUnits('1000000', 6), erc20Interval: 0 },
} as const satisfies Record<AgentRole, { erc20: bigint; erc20Interval: number }>;
export const nativeLimit = parseEther('1');
export const gasLimit = parseEther('50');

/**
 * The permissions of an agent's key (and of the baseline's: `steady`): the token's transfer and the payee allowlisted,
 * the role's ERC-20 limit (periods anchored at `anchor`), lifetime native and gas limits, valid for two days.
 */
export function agentPermissions(role: AgentRole, token: Address, payee: Address, now: number, anchor: number): SessionKeyPermissionsBuilder {
  const { erc20, erc20Interval } = roleLimits[role];
  return new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addContractAddressAccessEntry({ contractAddress: payee, isOnList: true, checkSelectors: false })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: erc20, refreshInterval: erc20Interval })
    .setNativeTokenSpendLimit({ spendLimit: nativeLimit, refreshInterval: 0 })
    .setGasSpendLimit({ spendLimit: gasLimit, refreshInterval: 0 })
    .setRefreshAnchor({ anchor })
    .setTimeRange({ validFrom: now - 3_600, validUntil: now + 2 * 86_400 });
}

/** A payment: even jobs pay 1 to 5 tokens to one of three recipients, odd jobs 0.0001 to 0.0003 ETH to the payee. */
export type Payment = { kind: 'erc20' | 'native'; to: Address; amount: bigint };

export function paymentOf(job: number, recipients: readonly Address[], payee: Address): Payment {
  if (job % 2 === 0) return { kind: 'erc20', to: recipients[(job / 2) % recipients.length]!, amount: parseUnits(String((job % 5) + 1), 6) };
  return { kind: 'native', to: payee, amount: parseEther('0.0001') * BigInt((job % 3) + 1) };
}

export function callOf(payment: Payment, token: Address): Call {
  return payment.kind === 'native'
    ? { to: payment.to, value: payment.amount }
    : { to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [payment.to, payment.amount] }) };
}

/** One payment as the agent saw it. Times are ms from the run's start. */
export type AgentRecord = {
  agent: number;
  job: number;
  key: Address;
  payment: Payment;
  outcome: 'landed' | 'refused';
  userOpHash?: Hex | undefined;
  transactionHash?: Hex | undefined;
  /** The error's name; `typed` when it is one of the SDK's (a LeashError). */
  error?: string | undefined;
  typed?: boolean | undefined;
  /** Whether the outcome came from resuming an op whose fate was unknown. */
  resumed: boolean;
  startMs: number;
  /** When an op of the payment was first handed to the bundler, if one was. */
  sentMs?: number | undefined;
  /** Every op handed to the bundler for this payment (more than one when a nonce conflict needed a fresh op). */
  sentHashes: Hex[];
  endMs: number;
};

/**
 * A shared queue of job numbers, opened a share at a time: agents take the next open job, wait while none is open,
 * and get `undefined` once all `total` jobs are taken.
 */
export class JobQueue {
  private next = 0;
  private opened = 0;
  private waiting: (() => void)[] = [];
  constructor(readonly total: number) {}

  /** Opens `count` more jobs (at most up to `total`). */
  open(count: number): void {
    this.opened = Math.min(this.total, this.opened + count);
    for (const wake of this.waiting.splice(0)) wake();
  }

  async take(): Promise<number | undefined> {
    while (this.next >= this.opened) {
      if (this.next >= this.total) return undefined;
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    return this.next++;
  }
}

/**
 * A backend agent: takes jobs until none are left and pays each with its session key as fast as the SDK lets it. A
 * payment whose outcome is unknown is resumed (never sent again as a new op); a refusal is recorded and the agent goes
 * on, except that an agent whose key was revoked stops. Its key can be replaced mid-run (rotation).
 */
export class Agent {
  private session: LeashAccountClient;
  private key: Address;
  private retired = false;
  revoked = false;

  constructor(
    readonly id: number,
    readonly account: Address,
    readonly role: AgentRole,
    session: LeashAccountClient,
    key: Address,
    private readonly token: Address,
    readonly recipients: readonly Address[],
    readonly payee: Address,
  ) {
    this.session = session;
    this.key = key;
  }

  /** Signs further payments with another key (the owner rotated this one). */
  switchTo(session: LeashAccountClient, key: Address): void {
    this.session = session;
    this.key = key;
  }

  async run(queue: JobQueue, clock: () => number, onRecord: (record: AgentRecord) => void, delivery: Partial<DeliveryOptions>): Promise<void> {
    // A retired agent takes no further job (the check comes before the take, so no job is dropped).
    for (let job = this.retired ? undefined : await queue.take(); job !== undefined; job = this.retired ? undefined : await queue.take()) {
      const payment = paymentOf(job, this.recipients, this.payee);
      const record: AgentRecord = { agent: this.id, job, key: this.key, payment, outcome: 'refused', resumed: false, startMs: clock(), sentHashes: [], endMs: 0 };
      const options = {
        calls: [callOf(payment, this.token)],
        maxWaitSeconds: this.role === 'short' ? 0 : 120,
        delivery: {
          ...delivery,
          onSent: ({ userOpHash }: { userOpHash: Hex }) => {
            record.sentMs ??= clock();
            if (!record.sentHashes.includes(userOpHash)) record.sentHashes.push(userOpHash);
          },
        },
      };
      try {
        const { userOpHash, receipt } = await this.pay(options, record);
        Object.assign(record, { outcome: 'landed', userOpHash, transactionHash: receipt.receipt.transactionHash });
      } catch (error) {
        Object.assign(record, { outcome: 'refused', error: (error as Error).name, typed: error instanceof LeashError });
        if (error instanceof SessionKeyNotAuthorizedError && this.revoked) this.retired = true;
      }
      record.endMs = clock();
      onRecord(record);
    }
  }

  /** Sends the payment; an unknown outcome is resumed once, with the same signed op (it cannot pay twice). */
  private async pay(options: Parameters<typeof executeWithSessionKey>[1], record: AgentRecord): Promise<UserOperationResult> {
    try {
      return await executeWithSessionKey(this.session, options);
    } catch (error) {
      if (!(error instanceof UserOperationMayNotHaveBeenSentError)) throw error;
      record.resumed = true;
      return resumeUserOperation(this.session, { userOperation: error.userOperation, fromBlock: error.fromBlock, delivery: options.delivery });
    }
  }
}
