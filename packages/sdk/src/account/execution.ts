import {
  type Address,
  type Hex,
  concat,
  decodeAbiParameters,
  decodeFunctionData,
  encodeAbiParameters,
  encodeFunctionData,
  encodePacked,
  size,
  slice,
  hexToBigInt,
  pad,
} from 'viem';
import { LeashError } from '../errors/LeashError.js';
import { leashAccountAbi } from '../generated/LeashAccount.js';

/**
 * One call an account makes.
 *
 * @example
 * ```ts
 * const calls: Call[] = [
 *   { to: recipient, value: parseEther('0.01') },
 *   { to: usdc, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipient, 1_000_000n] }) },
 * ]
 * ```
 */
export type Call = { to: Address; value?: bigint | undefined; data?: Hex | undefined };

/**
 * ERC-7579 execution modes (call type in the first byte, exec type "revert on failure" in the second).
 *
 * @example
 * ```ts
 * const [mode] = decodeAbiParameters([{ type: 'bytes32' }], slice(callData, 4))
 * const isBatch = mode === executionModes.batch
 * ```
 */
export const executionModes = {
  single: pad('0x00', { dir: 'right', size: 32 }),
  batch: pad('0x01', { dir: 'right', size: 32 }),
} as const;

const executionTupleType = [
  {
    type: 'tuple[]',
    components: [
      { name: 'target', type: 'address' },
      { name: 'value', type: 'uint256' },
      { name: 'callData', type: 'bytes' },
    ],
  },
] as const;

/**
 * Thrown when calldata is not an ERC-7579 `execute` in single or batch mode.
 *
 * @example
 * ```ts
 * try {
 *   decodeExecute(callData)
 * } catch (error) {
 *   if (error instanceof ExecuteDecodingError) console.log('not a single or batch execute')
 * }
 * ```
 */
export class ExecuteDecodingError extends LeashError {
  override name = 'ExecuteDecodingError';
}

/**
 * Encodes calls as the account's ERC-7579 `execute(mode, executionCalldata)`: one call in single mode
 * (target ‖ value ‖ data, packed), several in batch mode (abi-encoded `Execution[]`).
 *
 * @example
 * ```ts
 * const callData = encodeExecute([{ to: recipient, value: parseEther('0.1') }])
 * ```
 */
export function encodeExecute(calls: readonly Call[]): Hex {
  if (calls.length === 0) throw new LeashError('No calls to execute.');
  if (calls.length === 1) {
    const [call] = calls as [Call];
    return encodeFunctionData({
      abi: leashAccountAbi,
      functionName: 'execute',
      args: [executionModes.single, encodePacked(['address', 'uint256', 'bytes'], [call.to, call.value ?? 0n, call.data ?? '0x'])],
    });
  }
  const executions = calls.map((call) => ({ target: call.to, value: call.value ?? 0n, callData: call.data ?? '0x' }));
  return encodeFunctionData({
    abi: leashAccountAbi,
    functionName: 'execute',
    args: [executionModes.batch, encodeAbiParameters(executionTupleType, [executions])],
  });
}

/**
 * Decodes an ERC-7579 `execute` in single or batch mode back into calls.
 *
 * @example
 * ```ts
 * const calls = decodeExecute(userOperation.callData)
 * ```
 */
export function decodeExecute(callData: Hex): Call[] {
  let decoded;
  try {
    decoded = decodeFunctionData({ abi: leashAccountAbi, data: callData });
  } catch (cause) {
    throw new ExecuteDecodingError('The calldata is not a call to the account.', { cause: cause as Error });
  }
  if (decoded.functionName !== 'execute')
    throw new ExecuteDecodingError(`The calldata calls ${decoded.functionName}, not execute.`);
  const [mode, executionCalldata] = decoded.args as readonly [Hex, Hex];
  if (mode === executionModes.single) {
    if (size(executionCalldata) < 52) throw new ExecuteDecodingError('Single execution calldata is too short.');
    return [
      {
        to: slice(executionCalldata, 0, 20),
        value: hexToBigInt(slice(executionCalldata, 20, 52)),
        data: size(executionCalldata) > 52 ? slice(executionCalldata, 52) : '0x',
      },
    ];
  }
  if (mode === executionModes.batch) {
    const [executions] = decodeAbiParameters(executionTupleType, executionCalldata);
    return executions.map((e) => ({ to: e.target, value: e.value, data: e.callData }));
  }
  throw new ExecuteDecodingError(`Unsupported execution mode ${mode}.`, {
    details: 'Only single and batch call types with the default exec type are supported.',
  });
}

/**
 * ERC-1167 minimal proxy creation code for `implementation` (what OpenZeppelin's Clones deploys).
 *
 * @example
 * ```ts
 * const initCode = cloneInitCode(getLeashAddresses().accountImplementation)
 * ```
 */
export function cloneInitCode(implementation: Address): Hex {
  return concat(['0x3d602d80600a3d3981f3363d3d373d3d3d363d73', implementation, '0x5af43d82803e903d91602b57fd5bf3']);
}
