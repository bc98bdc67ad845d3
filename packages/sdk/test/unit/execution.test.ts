import { describe, expect, it } from 'vitest';
import { decodeFunctionData, encodeFunctionData, parseEther, type Address, type Hex } from 'viem';
import { decodeExecute, encodeExecute, executionModes, ExecuteDecodingError, leashAccountAbi, cloneInitCode } from '@leash/sdk';

const target: Address = '0x1111111111111111111111111111111111111111';
const other: Address = '0x2222222222222222222222222222222222222222';

describe('ERC-7579 execute encoding', () => {
  it('encodes one call in single mode as packed target ‖ value ‖ data', () => {
    const callData = encodeExecute([{ to: target, value: 5n, data: '0xabcdef' }]);
    const { functionName, args } = decodeFunctionData({ abi: leashAccountAbi, data: callData });
    expect(functionName).toBe('execute');
    expect(args[0]).toBe(executionModes.single);
    expect(args[1]).toBe(`${target}${'0'.repeat(63)}5abcdef`);
  });

  it('encodes several calls in batch mode and decodes them back', () => {
    const calls = [
      { to: target, value: parseEther('1'), data: '0x' as Hex },
      { to: other, value: 0n, data: '0xa9059cbb' as Hex },
    ];
    const callData = encodeExecute(calls);
    expect(decodeFunctionData({ abi: leashAccountAbi, data: callData }).args[0]).toBe(executionModes.batch);
    expect(decodeExecute(callData)).toEqual(calls);
  });

  it('round-trips a single call with empty data', () => {
    expect(decodeExecute(encodeExecute([{ to: target }]))).toEqual([{ to: target, value: 0n, data: '0x' }]);
  });

  it('refuses an empty call list', () => {
    expect(() => encodeExecute([])).toThrow('No calls to execute.');
  });

  it('refuses calldata that is not execute, or an unsupported mode', () => {
    const install = encodeFunctionData({ abi: leashAccountAbi, functionName: 'installModule', args: [1n, target, '0x'] });
    expect(() => decodeExecute(install)).toThrow(ExecuteDecodingError);
    const delegate = encodeFunctionData({
      abi: leashAccountAbi,
      functionName: 'execute',
      args: [`0xff${'00'.repeat(31)}`, target],
    });
    expect(() => decodeExecute(delegate)).toThrow(/Unsupported execution mode/);
  });

  it('builds the ERC-1167 clone creation code around the implementation', () => {
    const code = cloneInitCode(target);
    expect(code).toHaveLength(2 + 2 * 55);
    expect(code.toLowerCase()).toContain(target.slice(2).toLowerCase());
  });
});
