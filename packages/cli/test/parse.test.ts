import { describe, expect, it } from 'vitest';
import { decodeFunctionData, encodeFunctionData, erc20Abi, parseAbi, parseEther } from 'viem';
import { DAY, HOUR, WEEK } from '@leash/sdk';
import { parseAccessEntry, parseFunction } from '../src/parse/access.js';
import { parseNativeAmount, toBaseUnits } from '../src/parse/amounts.js';
import { encodeCallData, parseCallsFile, parseValue } from '../src/parse/calls.js';
import { InvalidFlagError } from '../src/parse/errors.js';
import { parseAddress, parseErc20Limit, parseMaxCalls, parseNativeLimit, parsePaymaster } from '../src/parse/limits.js';
import { MONTH, parseDate, parseDuration, parsePeriod, parseValidUntil } from '../src/parse/time.js';

const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const bob = '0x000000000000000000000000000000000000b0b0';

/** Runs `parse` and returns the InvalidFlagError it must throw. */
function refusal(parse: () => unknown): InvalidFlagError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidFlagError);
    expect((error as InvalidFlagError).exitCode).toBe(2);
    return error as InvalidFlagError;
  }
  throw new Error('expected an InvalidFlagError');
}

describe('durations and periods', () => {
  it('reads durations with units, combined or not', () => {
    expect(parseDuration('90s', '--valid-for')).toBe(90);
    expect(parseDuration('1h', '--valid-for')).toBe(HOUR);
    expect(parseDuration('1h30m', '--valid-for')).toBe(HOUR + 30 * 60);
    expect(parseDuration('2 days', '--valid-for')).toBe(2 * DAY);
    expect(parseDuration('1w', '--valid-for')).toBe(WEEK);
    expect(parseDuration('1mo', '--valid-for')).toBe(MONTH);
  });

  it('refuses durations without a unit, with an unknown unit, or of zero', () => {
    expect(refusal(() => parseDuration('60', '--valid-for')).message).toBe('--valid-for "60": expected a duration such as 30m, 1h, 1h30m, 7d or 2w');
    expect(refusal(() => parseDuration('3y', '--valid-for')).message).toContain('unknown unit "y"');
    expect(refusal(() => parseDuration('0h', '--valid-for')).message).toContain('longer than 0');
    expect(refusal(() => parseDuration('1h-', '--valid-for')).flag).toBe('--valid-for');
  });

  it('reads period words, seconds and durations; total is a lifetime limit', () => {
    expect(parsePeriod('hour', '--gas')).toBe(HOUR);
    expect(parsePeriod('day', '--gas')).toBe(DAY);
    expect(parsePeriod('Week', '--gas')).toBe(WEEK);
    expect(parsePeriod('month', '--gas')).toBe(30 * DAY);
    expect(parsePeriod('total', '--gas')).toBe(0);
    expect(parsePeriod('3600', '--gas')).toBe(3600);
    expect(parsePeriod('12h', '--gas')).toBe(12 * HOUR);
  });

  it('refuses unknown periods and periods the module cannot store', () => {
    expect(refusal(() => parsePeriod('fortnight', '--gas')).expected).toContain('hour, day, week, month (30 days), total');
    expect(refusal(() => parsePeriod('0', '--gas')).expected).toContain('between 1 s and 4294967295 s');
    expect(refusal(() => parsePeriod('4294967296', '--gas')).expected).toContain('between 1 s');
  });
});

describe('dates', () => {
  it('reads ISO dates (UTC midnight), date-times with a zone, and Unix seconds', () => {
    expect(parseDate('2030-01-01', '--valid-until')).toBe(Date.UTC(2030, 0, 1) / 1000);
    expect(parseDate('2030-01-01T12:30:00Z', '--valid-until')).toBe(Date.UTC(2030, 0, 1, 12, 30) / 1000);
    expect(parseDate('2030-01-01T12:30:00+02:00', '--valid-until')).toBe(Date.UTC(2030, 0, 1, 10, 30) / 1000);
    expect(parseDate('1893456000', '--valid-until')).toBe(1893456000);
    expect(parseValidUntil('never', '--valid-until')).toBe('never');
  });

  it('refuses milliseconds and text that is not a date', () => {
    expect(refusal(() => parseDate('1893456000000', '--valid-until')).expected).toContain('looks like milliseconds');
    expect(refusal(() => parseDate('next tuesday', '--valid-until')).expected).toContain('ISO date');
    expect(refusal(() => parseDate('2030-13-45', '--valid-from')).flag).toBe('--valid-from');
  });
});

describe('amounts and limits', () => {
  it('reads native amounts with their unit into wei', () => {
    expect(parseNativeAmount('0.1eth', '--native')).toBe(parseEther('0.1'));
    expect(parseNativeAmount('0.1 ETH', '--native')).toBe(parseEther('0.1'));
    expect(parseNativeAmount('20gwei', '--native')).toBe(20_000_000_000n);
    expect(parseNativeAmount('1000wei', '--native')).toBe(1000n);
  });

  it('refuses amounts without a unit, and more decimals than the unit has (never rounds)', () => {
    expect(refusal(() => parseNativeAmount('0.1', '--native')).expected).toBe('expected an amount with its unit: 0.1eth, 20gwei or 1000wei');
    expect(refusal(() => parseNativeAmount('1.5wei', '--native')).expected).toBe('wei has 0 decimals; the amount has 1');
    expect(refusal(() => toBaseUnits('1.1234567', 6, '--erc20', 'dUSD')).expected).toBe('dUSD has 6 decimals; the amount has 7');
    expect(toBaseUnits('12.5', 6, '--erc20', 'dUSD')).toBe(12_500_000n);
  });

  it('reads --native and --gas limits, and "unlimited" as no limit (distinct from 0)', () => {
    expect(parseNativeLimit('0.1eth/day', '--native')).toEqual({ amount: parseEther('0.1'), refreshInterval: DAY });
    expect(parseNativeLimit('0eth/total', '--native')).toEqual({ amount: 0n, refreshInterval: 0 });
    expect(parseNativeLimit('unlimited', '--gas')).toBe('unlimited');
    expect(refusal(() => parseNativeLimit('0.1eth', '--gas')).expected).toContain('<amount><unit>/<period>');
    expect(refusal(() => parseNativeLimit('0.1eth/day/week', '--gas')).flag).toBe('--gas');
  });

  it('reads --max-calls as a call count per period, or "unlimited"', () => {
    expect(parseMaxCalls('20/day', '--max-calls')).toEqual({ callLimit: 20, refreshInterval: DAY });
    expect(parseMaxCalls('100/total', '--max-calls')).toEqual({ callLimit: 100, refreshInterval: 0 });
    expect(parseMaxCalls('unlimited', '--max-calls')).toBe('unlimited');
    expect(refusal(() => parseMaxCalls('20', '--max-calls')).expected).toContain('<amount>/<period>');
    expect(refusal(() => parseMaxCalls('twenty/day', '--max-calls')).expected).toContain('whole number');
    expect(refusal(() => parseMaxCalls('20/fortnight', '--max-calls')).flag).toBe('--max-calls');
  });

  it('reads --erc20 limits with the amount kept in token units until the decimals are known', () => {
    expect(parseErc20Limit(`${token}:100/week`, '--erc20')).toEqual({ token, limit: { amount: '100', refreshInterval: WEEK } });
    expect(parseErc20Limit(`${token.toLowerCase()}:2.5/3600`, '--erc20')).toEqual({ token, limit: { amount: '2.5', refreshInterval: 3600 } });
    expect(parseErc20Limit(`${token}:unlimited`, '--erc20')).toEqual({ token, limit: 'unlimited' });
  });

  it('refuses --erc20 without a token, amount or period', () => {
    expect(refusal(() => parseErc20Limit('100/week', '--erc20')).expected).toContain('<token address>:<amount>/<period>');
    expect(refusal(() => parseErc20Limit(`${token}:100`, '--erc20')).expected).toContain('<token address>:<amount>/<period>');
    expect(refusal(() => parseErc20Limit(`${token}:lots/week`, '--erc20')).expected).toBe('"lots" is not an amount in token units (such as 100 or 2.5)');
    expect(refusal(() => parseErc20Limit('0x1234:100/week', '--erc20')).expected).toContain('expected an address');
  });
});

describe('addresses and access entries', () => {
  it('checksums addresses and refuses a wrong mixed-case checksum', () => {
    expect(parseAddress(token.toLowerCase(), '--to')).toBe(token);
    expect(refusal(() => parseAddress(token.replace('f08BB', 'F08bb'), '--to')).expected).toContain('wrong checksum');
    expect(parsePaymaster('none', '--paymaster')).toBe('none');
    expect(parsePaymaster(token, '--paymaster')).toBe(token);
  });

  it('reads a contract, with a function by signature (names allowed) or by selector', () => {
    expect(parseAccessEntry(token, '--allow')).toEqual({ contract: token });
    expect(parseAccessEntry(`${token}:transfer(address,uint256)`, '--allow')).toEqual({
      contract: token,
      function: { selector: '0xa9059cbb', signature: 'transfer(address,uint256)' },
    });
    expect(parseFunction('approve(address spender, uint256 amount)', '--allow')).toEqual({ selector: '0x095ea7b3', signature: 'approve(address,uint256)' });
    expect(parseFunction('0xA9059CBB', '--deny')).toEqual({ selector: '0xa9059cbb', signature: undefined });
  });

  it('refuses a function that is neither a signature nor a 4-byte selector', () => {
    expect(refusal(() => parseAccessEntry(`${token}:transfer`, '--allow')).expected).toContain('expected a function signature');
    expect(refusal(() => parseFunction('0xa9059c', '--deny')).expected).toBe('a selector is 4 bytes: 0x and 8 hex digits');
  });
});

describe('exec calls', () => {
  it('encodes a call from a signature and command-line arguments', () => {
    const data = encodeCallData('transfer(address,uint256)', [bob, '25e6'], 'exec');
    expect(data).toBe(encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 25_000_000n] }));
    const abi = parseAbi(['function pay(address[] to, uint96 amount, bool flag, bytes memo, string note)']);
    const encoded = encodeCallData('pay(address[],uint96,bool,bytes,string)', [`["${bob}","${token}"]`, '0.5eth', 'true', '0x1234', 'hello'], 'exec');
    expect(decodeFunctionData({ abi, data: encoded }).args).toEqual([[bob, token], parseEther('0.5'), true, '0x1234', 'hello']);
  });

  it('refuses a wrong argument count, out-of-range integers, and bad values', () => {
    expect(refusal(() => encodeCallData('transfer(address,uint256)', [bob], 'exec')).expected).toBe('transfer takes 2 arguments, 1 given');
    expect(refusal(() => encodeCallData('f(uint8)', ['256'], 'exec')).expected).toBe('out of range for uint8');
    expect(refusal(() => encodeCallData('f(uint256)', ['1.5'], 'exec')).expected).toContain('expected a whole number');
    expect(refusal(() => encodeCallData('f(uint256)', ['1.55e1'], 'exec')).expected).toContain('expected a whole number');
    expect(refusal(() => encodeCallData('f(bool)', ['yes'], 'exec')).expected).toBe('expected true or false');
    expect(refusal(() => encodeCallData('f(bytes4)', ['0x12'], 'exec')).expected).toBe('expected 4 bytes');
    expect(refusal(() => encodeCallData('not a function', [], 'exec')).expected).toContain('expected a function signature');
  });

  it('reads values in wei or with a unit', () => {
    expect(parseValue('1000', '--value')).toBe(1000n);
    expect(parseValue('0.01eth', '--value')).toBe(parseEther('0.01'));
    expect(refusal(() => parseValue('0.01', '--value')).flag).toBe('--value');
  });

  it('reads a --calls file: data or function + args per call', () => {
    const calls = parseCallsFile(
      JSON.stringify([
        { to: bob, value: '0.01eth' },
        { to: token, function: 'transfer(address,uint256)', args: [bob, 5_000_000] },
        { to: token, data: '0x1234' },
      ]),
      'calls.json',
    );
    expect(calls).toEqual([
      { to: bob, value: parseEther('0.01'), data: '0x' },
      { to: token, value: 0n, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 5_000_000n] }) },
      { to: token, value: 0n, data: '0x1234' },
    ]);
  });

  it('refuses a --calls file that is not a non-empty array of well-formed calls', () => {
    expect(refusal(() => parseCallsFile('{', 'calls.json')).expected).toContain('not JSON');
    expect(refusal(() => parseCallsFile('[]', 'calls.json')).expected).toBe('expected a non-empty JSON array of calls');
    expect(refusal(() => parseCallsFile(JSON.stringify([{ to: bob, amount: 1 }]), 'calls.json')).flag).toBe('--calls calls.json call 1');
    expect(refusal(() => parseCallsFile(JSON.stringify([{ to: bob, data: '0x12', function: 'f()' }]), 'c.json')).expected).toBe('give "data" or "function", not both');
    expect(refusal(() => parseCallsFile(JSON.stringify([{ to: 'bob' }]), 'c.json')).expected).toContain('expected an address');
  });
});
