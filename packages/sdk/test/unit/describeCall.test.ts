import { encodeFunctionData, erc20Abi, getAddress, parseEther } from 'viem';
import { describe, expect, it } from 'vitest';
import { describeCall } from '../../src/index.js';

const token = getAddress('0x1f08cd8fdd6b7ec1ba2c3e2a4ad4ec5cb0c4a7d2');
const bob = getAddress('0x000000000000000000000000000000000000b0b0');
const dusd = { symbol: 'dUSD', decimals: 6 };

describe('describeCall: a call in words, with its function, recipient and amount (issue 19, item 7)', () => {
  it('ERC-20 transfer, approve and transferFrom, in token units when the token is known', () => {
    const transfer = encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [bob, 25_000_000n] });
    expect(describeCall({ to: token, data: transfer }, { tokens: () => dusd })).toBe(`transfer 25 dUSD (token ${token}) to ${bob}`);
    expect(describeCall({ to: token, data: transfer })).toBe(`transfer 25000000 base units of token ${token} to ${bob}`);
    const approve = encodeFunctionData({ abi: erc20Abi, functionName: 'approve', args: [bob, 1_500_000n] });
    expect(describeCall({ to: token, data: approve }, { tokens: () => dusd })).toBe(`approve ${bob} to spend 1.5 dUSD (token ${token})`);
  });

  it('a value transfer, and any other call by its selector', () => {
    expect(describeCall({ to: bob, value: parseEther('0.01') })).toBe(`send 0.01 ETH to ${bob}`);
    expect(describeCall({ to: bob, value: 1n, data: '0x12345678aa' })).toBe(`call 0x12345678 on ${bob}, sending 0.000000000000000001 ETH`);
  });
});
