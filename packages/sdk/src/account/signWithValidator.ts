import type { Address, Hex } from 'viem';
import { type UserOperation, getUserOperationHash, getUserOperationTypedData } from 'viem/account-abstraction';
import type { LeashEntryPoint } from '../constants.js';
import type { UserOperationValidator } from './capability.js';

/**
 * Signs a user operation of `sender` with `validator` for `entryPoint`: computes the EntryPoint's hash of the op (v0.8:
 * the EIP-712 digest, also handed over as typed data so wallets show what they sign; v0.7: its packed-op hash).
 *
 * @example
 * ```ts
 * const signature = await signWithValidator(validator, userOperation, { chainId, entryPoint: entryPoints['0.7'], sender })
 * ```
 */
export async function signWithValidator(
  validator: UserOperationValidator,
  userOperation: Omit<UserOperation<'0.8'>, 'sender'> & { sender?: Address | undefined },
  parameters: { chainId: number; entryPoint: LeashEntryPoint; sender: Address },
): Promise<Hex> {
  const { chainId, entryPoint, sender } = parameters;
  const full = { ...userOperation, sender } as UserOperation<'0.8'>;
  const userOpHash = getUserOperationHash({ chainId, entryPointAddress: entryPoint.address, entryPointVersion: entryPoint.version, userOperation: full });
  const typedData =
    entryPoint.version === '0.8' ? getUserOperationTypedData({ chainId, entryPointAddress: entryPoint.address, userOperation: full }) : undefined;
  return validator.signUserOperation({ userOperation: full, chainId, entryPoint, userOpHash, typedData });
}
