// Compiled by allowCall.test.ts (never run): each `@ts-expect-error` marks a rule the types must refuse; an error
// that does not happen is itself an error (TS2578), so a rule that wrongly compiles fails the test.
import { type Address, erc20Abi, parseAbi, parseUnits } from 'viem';
import { allowCall, eq, gt, gte, lt, lte, neq, oneOf, sumAtMost } from '../../../src/index.js';

const usdc: Address = '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48';
const alice: Address = '0x00000000000000000000000000000000000A11cE';
const bob: Address = '0x0000000000000000000000000000000000000B0b';
const abi = parseAbi([
  'function adjust(int256 delta, bool flag, bytes32 id)',
  'function execute(address to, bytes data, string memo, uint256[] ids)',
]);

// Accepted.
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [oneOf([alice, bob]), lte(parseUnits('10', 6))], maxCalls: { count: 20, per: 'day' }, maxValue: 0n });
allowCall({ target: usdc, abi: erc20Abi, functionName: 'approve', args: [neq(bob), [gt(0n), lt(100n), sumAtMost(1000n, { per: 'week' })]] });
allowCall({ target: usdc, abi: abi, functionName: 'adjust', args: [gte(-5n), eq(true), eq('0x0000000000000000000000000000000000000000000000000000000000000001')] });
allowCall({ target: usdc, abi: abi, functionName: 'execute', args: [eq(alice)] });
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer' });

// Refused by the types.
// @ts-expect-error a function the ABI does not have
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transferAll' });
// @ts-expect-error an amount where the address goes
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [eq(5n)] });
// @ts-expect-error an address compared with ≤
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [lte(5n)] });
// @ts-expect-error an address among amounts
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, oneOf([alice])] });
// @ts-expect-error more rules than arguments
allowCall({ target: usdc, abi: erc20Abi, functionName: 'transfer', args: [undefined, undefined, eq(1n)] });
// @ts-expect-error a sum on a signed argument
allowCall({ target: usdc, abi: abi, functionName: 'adjust', args: [sumAtMost(5n)] });
// @ts-expect-error a condition on a dynamic argument (bytes)
allowCall({ target: usdc, abi: abi, functionName: 'execute', args: [undefined, eq('0x')] });
// @ts-expect-error a condition on a dynamic argument (string)
allowCall({ target: usdc, abi: abi, functionName: 'execute', args: [undefined, undefined, eq('hi')] });
// @ts-expect-error a condition on a dynamic argument (array)
allowCall({ target: usdc, abi: abi, functionName: 'execute', args: [undefined, undefined, undefined, eq(1n)] });
// @ts-expect-error a bool compared with a number
allowCall({ target: usdc, abi: abi, functionName: 'adjust', args: [undefined, eq(1n)] });
