import type { Command } from 'commander';
import type { PermissionFlags } from '../../permissions.js';
import { parseAccessEntry } from '../../parse/access.js';
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
    .option('--allow <address[:function]>', 'allowlist a contract, or one of its functions (repeatable)', repeatable(parseAccessEntry, '--allow'))
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
    .option('--paymaster <address>', `require this paymaster for every op${options.update ? ' ("none": no longer)' : ''}`, (v: string) => parsePaymaster(v, '--paymaster'))
    .option('--valid-for <duration>', 'valid from now for this long, e.g. 1h, 7d', (v: string) => parseDuration(v, '--valid-for'))
    .option('--valid-from <date>', 'valid from this date (ISO 8601 or Unix seconds)', (v: string) => parseDate(v, '--valid-from'))
    .option('--valid-until <date>', `valid until this date (ISO 8601 or Unix seconds${options.update ? ', or "never"' : ''})`, (v: string) =>
      parseValidUntil(v, '--valid-until'),
    );
}

