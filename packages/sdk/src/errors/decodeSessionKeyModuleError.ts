import { type Address, type Hex, BaseError, decodeErrorResult } from 'viem';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import { grantErrorMappings } from '../grants/refusals.js';
import { permissionKinds } from '../permissions/kinds/index.js';
import type { ModuleErrorMapping } from '../permissions/kinds/kind.js';
import { LeashError } from './LeashError.js';
import {
  ForbiddenCallTargetError,
  SessionKeyModuleError,
  SessionKeyNotAuthorizedError,
  SessionKeyOutsideTimeRangeError,
  SessionKeyViolationError,
  UnsupportedExecutionError,
} from './sessionKeyErrors.js';

// The module's refusals that belong to no permission kind: what every session op must be.
const coreErrors: Readonly<Record<string, ModuleErrorMapping>> = {
  CallToAccountNotAllowed: ([target], cause) => new ForbiddenCallTargetError({ kind: 'account', target: target as Address, cause }),
  CallToModuleNotAllowed: (_, cause) => new ForbiddenCallTargetError({ kind: 'module', cause }),
  CallToEntryPointNotAllowed: (_, cause) => new ForbiddenCallTargetError({ kind: 'entry-point', cause }),
  CallToAccountModuleNotAllowed: ([target, moduleType], cause) =>
    new ForbiddenCallTargetError({ kind: 'account-module', target: target as Address, moduleType: Number(moduleType), cause }),
  CallAsAccountNotAllowed: ([target], cause) => new ForbiddenCallTargetError({ kind: 'account-sender', target: target as Address, cause }),
  UnsupportedAccountFunction: ([selector], cause) => new UnsupportedExecutionError({ reason: `account function ${selector} is not execute`, cause }),
  UnsupportedExecutionMode: ([mode], cause) => new UnsupportedExecutionError({ reason: `execution mode ${mode}`, cause }),
  MalformedExecutionCalldata: (_, cause) => new UnsupportedExecutionError({ reason: 'execute calldata not in the canonical ABI encoding', cause }),
  MalformedUserOperation: (_, cause) => new UnsupportedExecutionError({ reason: 'user operation fields outside calldata', cause }),
  EmptyBatch: (_, cause) => new UnsupportedExecutionError({ reason: 'empty batch', cause }),
};

let mappings: Map<string, ModuleErrorMapping> | undefined;

/**
 * Decodes the session key module's revert data into a typed error: a {@link SessionKeyViolationError} for a refused
 * op (each permission kind maps its own errors), a {@link SessionKeyModuleError} for a refused management call; `undefined` when the data is not the module's.
 *
 * @example
 * ```ts
 * const error = decodeSessionKeyModuleError('0x…') // Erc20SpendLimitExceededError { limit, used, attempted }
 * ```
 */
export function decodeSessionKeyModuleError(
  data: Hex,
  cause?: Error,
): SessionKeyViolationError | SessionKeyModuleError | undefined {
  let decoded;
  try {
    decoded = decodeErrorResult({ abi: sessionKeyModuleAbi, data });
  } catch {
    return undefined;
  }
  const { errorName } = decoded;
  const args = (decoded.args ?? []) as readonly unknown[];
  const mapping = (mappings ??= new Map([...Object.entries(coreErrors), ...Object.entries(grantErrorMappings), ...permissionKinds.flatMap((kind) => Object.entries(kind.errors))])).get(
    errorName,
  );
  return mapping ? mapping(args, cause) : new SessionKeyModuleError({ errorName, args, cause });
}

// Revert data appears in bundler errors as `data.revertData` (Alto) or in the message ("AA23 reverted 0x…").
function findRevertData(error: unknown): Hex | undefined {
  let found: Hex | undefined;
  const visit = (e: unknown) => {
    if (found || !e || typeof e !== 'object') return;
    const data = (e as { data?: unknown }).data;
    if (data && typeof data === 'object') {
      const revertData = (data as { revertData?: unknown }).revertData;
      if (typeof revertData === 'string' && revertData.startsWith('0x') && revertData.length >= 10) found = revertData as Hex;
    } else if (typeof data === 'string' && /^0x[0-9a-fA-F]{8,}$/.test(data)) {
      found = data as Hex;
    }
    const message = (e as { message?: unknown }).message;
    if (!found && typeof message === 'string') {
      // "AA23 reverted 0x…" (validation, through Alto), "…simulation with reason: 0x…" (execution) or "reverted with
      // data: 0x…"; never any other hex in the message, such as the op's calldata.
      const match =
        message.match(/AA\d\d reverted:? (0x[0-9a-fA-F]{8,})/) ??
        message.match(/reverted during simulation with reason: (0x[0-9a-fA-F]{8,})/) ??
        message.match(/revert(?:ed)? with data:? (0x[0-9a-fA-F]{8,})/);
      if (match) found = match[1] as Hex;
    }
    visit((e as { cause?: unknown }).cause);
  };
  visit(error);
  return found;
}

const messageOf = (error: unknown): string => {
  const parts: string[] = [];
  let e: unknown = error;
  while (e && typeof e === 'object') {
    const m = (e as { message?: unknown; details?: unknown });
    if (typeof m.message === 'string') parts.push(m.message);
    if (typeof m.details === 'string') parts.push(m.details);
    e = (e as { cause?: unknown }).cause;
  }
  return parts.join('\n');
};

/**
 * Turns a bundler or RPC error of a session op into a typed Leash error when it has a known cause (a refused
 * permission, an unauthorized key, a validity window); returns the original error otherwise.
 *
 * @example
 * ```ts
 * try {
 *   await client.sendUserOperation({ calls })
 * } catch (error) {
 *   throw toSessionKeyError(error)
 * }
 * ```
 */
export function toSessionKeyError(error: unknown): unknown {
  if (error instanceof SessionKeyViolationError || error instanceof SessionKeyModuleError) return error;
  const cause = error instanceof Error ? error : undefined;
  const data = findRevertData(error);
  if (data) {
    const decoded = decodeSessionKeyModuleError(data, cause);
    if (decoded) return decoded;
  }
  const text = messageOf(error);
  if (/AA24|Invalid UserOp signature/i.test(text)) return new SessionKeyNotAuthorizedError({ cause });
  if (/AA22|not valid yet|expires too soon/i.test(text))
    return new SessionKeyOutsideTimeRangeError({
      cause,
      details: 'The op is outside the key\'s time range or the period it stated, or too close to its end for the bundler.',
    });
  return error instanceof BaseError || error instanceof Error ? error : new LeashError(String(error));
}
