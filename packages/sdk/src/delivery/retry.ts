import { LeashError } from '../errors/LeashError.js';
import type { DeliveryRetryEvent, RetryPolicy } from './options.js';
import { RequestRetriesExhaustedError } from './errors.js';

// JSON-RPC codes that say "try again later": internal error, limit exceeded, and providers' rate limits.
const transientRpcCodes = new Set([-32603, -32005, -32007, 429, -1]);
const transientHttpStatuses = new Set([408, 425, 429, 500, 502, 503, 504]);
const transientNames = new Set(['TimeoutError', 'SocketClosedError', 'WebSocketRequestError']);
// Node's and undici's network errors (the cause of fetch's "fetch failed").
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_CLOSED']);

/** An error and its causes, outermost first. */
export function* chainOf(error: unknown): Generator<Record<string, unknown>> {
  const seen = new Set<unknown>();
  let current = error;
  while (current && typeof current === 'object' && !seen.has(current)) {
    seen.add(current);
    yield current as Record<string, unknown>;
    current = (current as { cause?: unknown }).cause;
  }
}

/**
 * Whether an error is worth retrying: the node or the bundler could not be reached, timed out, answered a 5xx or a
 * rate limit, or reported an internal error. A refusal (a revert, a validation failure, a bad request) is not.
 *
 * @example
 * ```ts
 * isTransientError(new HttpRequestError({ url, body, details: 'fetch failed' })) // true
 * ```
 */
export function isTransientError(error: unknown): boolean {
  // The SDK's own errors are verdicts (a refused permission, retries already given up), whatever caused them.
  if (error instanceof LeashError) return false;
  for (const e of chainOf(error)) {
    const name = typeof e.name === 'string' ? e.name : '';
    if (transientNames.has(name)) return true;
    if (name === 'HttpRequestError') return e.status === undefined || transientHttpStatuses.has(e.status as number);
    if (typeof e.code === 'number' && transientRpcCodes.has(e.code)) return true;
    if (typeof e.code === 'string' && networkCodes.has(e.code)) return true;
  }
  return false;
}

/**
 * The JSON-RPC method and endpoint of the request an error came from, when viem recorded them.
 *
 * @example
 * ```ts
 * const { method, url } = failedRequestOf(error) // { method: 'eth_call', url: 'http://127.0.0.1:8545' }
 * ```
 */
export function failedRequestOf(error: unknown): { method: string | undefined; url: string | undefined } {
  let method: string | undefined;
  let url: string | undefined;
  for (const e of chainOf(error)) {
    const body = e.body as { method?: unknown } | undefined;
    if (!method && body && typeof body.method === 'string') method = body.method;
    if (!url && typeof e.url === 'string') url = e.url;
  }
  return { method, url };
}

/** The first line of an error's message. */
export const firstLine = (error: unknown): string =>
  (error instanceof Error ? ((error as { shortMessage?: string }).shortMessage ?? error.message) : String(error)).split('\n')[0]!;

/**
 * The wait before try `attempt + 1`: `initialDelayMs × 2^(attempt − 1)`, at most `maxDelayMs`, ±25 % jitter.
 *
 * @example
 * ```ts
 * backoffDelay({ attempts: 6, initialDelayMs: 250, maxDelayMs: 4000 }, 3) // about 1000
 * ```
 */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const base = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** (attempt - 1));
  return Math.round(base * (0.75 + 0.5 * random()));
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs `work`, and runs it again after a backoff while it fails for a transient reason ({@link isTransientError}), up
 * to `policy.attempts` tries; then throws {@link RequestRetriesExhaustedError} naming the request. Any other error is
 * thrown at once. Use it only for work that sends nothing: it runs again from the start.
 *
 * @example
 * ```ts
 * const nonce = await withRetries(() => client.account.getNonce({ key: 0n }), policy, { step: 'reading the nonce' })
 * ```
 */
export async function withRetries<T>(
  work: () => Promise<T>,
  policy: RetryPolicy,
  context: { step: string; onRetry?: ((event: DeliveryRetryEvent) => void) | undefined },
): Promise<T> {
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (!isTransientError(error)) throw error;
      const { method, url } = failedRequestOf(error);
      if (attempt >= policy.attempts)
        throw new RequestRetriesExhaustedError({
          step: context.step,
          method,
          url,
          attempts: attempt,
          elapsedMs: Date.now() - started,
          cause: error as Error,
        });
      const delayMs = backoffDelay(policy, attempt);
      context.onRetry?.({ step: context.step, reason: `${method ?? 'request'}: ${firstLine(error)}`, attempt, delayMs });
      await sleep(delayMs);
    }
  }
}
