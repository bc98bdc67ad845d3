import type { Command } from 'commander';
import type { PermissionFlags } from '../../permissions.js';
import { parseAccessEntry } from '../../parse/access.js';
import { type CallRuleSpec, isCallRule, parseCallRule } from '../../parse/callPolicy.js';
import { parseAddress } from '../../parse/limits.js';
import { InvalidFlagError } from '../../parse/errors.js';
import { parseNativeAmount } from '@leash/sdk';
import type { AccessSpec } from '../../parse/access.js';
import { parseErc20Limit, parseMaxCalls, parseNativeLimit, parsePaymaster } from '../../parse/limits.js';
import { parseDate, parseDuration, parseValidUntil } from '../../parse/time.js';

const repeatable =
  <T>(parse: (value: string, flag: string) => T, flag: string) =>
  (value: string, previous: T[] | undefined): T[] => [...(previous ?? []), parse(value, flag)];

/**
 * Adds the permission flags of `key add` (and, with `update`, of `key update`: `--unlist`, `--paymaster none` and
 * `--valid-until never`). Commander hands the values over parsed, as {@link PermissionFlags} takes them.
 */
export function permissionOptions(command: Command, options: { update: boolean }): Command {
  command
    .option(
      '--allow <address[:function(conditions)]>',
      'allowlist a contract, or one of its functions, optionally with conditions: USDC:transfer(to=alice|bob, amount<=10usdc, sum(amount)<=100usdc/day, calls<=20/day) (repeatable)',
      repeatable(parseAllowEntry, '--allow'),
    )
    .option('--label <name=address>', 'a name for an address, usable in --allow rules, e.g. alice=0x… (repeatable)', (v: string, previous: Record<string, string> | undefined) => ({
      ...previous,
      ...parseLabel(v, '--label'),
    }))
    .option('--deny <address[:function]>', 'denylist a contract, or one of its functions (repeatable)', repeatable(parseAccessEntry, '--deny'))
    .option('--allow-all', 'allow calls to any contract (never the account or the module)');
  if (options.update)
    command.option('--unlist <address[:function]>', 'take a contract, or one of its functions, off the access list (repeatable)', repeatable(parseAccessEntry, '--unlist'));
  return command
    .option('--erc20 <token:amount/period>', 'ERC-20 limit in token units, e.g. 0x…:100/week; 0x…:unlimited for none (repeatable)', repeatable(parseErc20Limit, '--erc20'))
    .option('--native <amount/period>', 'native token limit, e.g. 0.1eth/day, or "unlimited"', (v: string) => parseNativeLimit(v, '--native'))
    .option('--gas <amount/period>', 'gas the account pays, e.g. 0.01eth/day, or "unlimited"', (v: string) => parseNativeLimit(v, '--gas'))
    .option('--max-calls <count/period>', 'calls the key\'s ops may make (each call of a batch counts), e.g. 20/day or 100/total, or "unlimited"', (v: string) =>
      parseMaxCalls(v, '--max-calls'),
    )
    .option('--max-value-per-call <amount>', 'the most native token one call may send, e.g. 0.05eth, or "unlimited"', (v: string) => parseMaxValuePerCall(v, '--max-value-per-call'))
    .option('--paymaster <address>', `require this paymaster for every op${options.update ? ' ("none": no longer)' : ''}`, (v: string) => parsePaymaster(v, '--paymaster'))
    .option('--valid-for <duration>', 'valid from now for this long, e.g. 1h, 7d', (v: string) => parseDuration(v, '--valid-for'))
    .option('--valid-from <date>', 'valid from this date (ISO 8601 or Unix seconds)', (v: string) => parseDate(v, '--valid-from'))
    .option('--valid-until <date>', `valid until this date (ISO 8601 or Unix seconds${options.update ? ', or "never"' : ''})`, (v: string) =>
      parseValidUntil(v, '--valid-until'),
    );
}


/** An `--allow` value: a contract or function entry, or a call rule with conditions (`USDC:transfer(to=alice|bob)`). */
export function parseAllowEntry(value: string, flag: string): AccessSpec | CallRuleSpec {
  return isCallRule(value) ? parseCallRule(value, flag) : parseAccessEntry(value, flag);
}

/** `--label alice=0x…`: a name for an address. */
export function parseLabel(value: string, flag: string): Record<string, `0x${string}`> {
  const match = /^\s*([A-Za-z_][\w.-]*)\s*=\s*(\S+)\s*$/.exec(value);
  if (!match) throw new InvalidFlagError({ flag, value, expected: 'expected name=address, e.g. alice=0x00000000000000000000000000000000000A11cE' });
  return { [match[1]!]: parseAddress(match[2]!, flag) };
}

/** `--max-value-per-call 0.05eth` (or `unlimited`). */
export function parseMaxValuePerCall(value: string, flag: string): bigint | 'unlimited' {
  if (value.trim().toLowerCase() === 'unlimited') return 'unlimited';
  try {
    return parseNativeAmount(value);
  } catch {
    throw new InvalidFlagError({ flag, value, expected: 'expected an amount with its unit (0.05eth, 20gwei, 0wei) or "unlimited"' });
  }
}
