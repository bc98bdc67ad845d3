import { type Address, BaseError, ContractFunctionRevertedError, ContractFunctionZeroDataError, getAddress } from 'viem';
import { readContract } from 'viem/actions';
import { type SessionKeyClient, capabilityOf, chainClientOf } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { sessionKeyLensAbi } from '../generated/ISessionKeyLens.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import type { LensSessionKeyState } from './types.js';

// The lens reverts with the module's errors (SessionKeyNotFound, NotInstalled): decode them by name.
const lensAbi = [...sessionKeyLensAbi, ...sessionKeyModuleAbi.filter((item) => item.type === 'error')] as const;

/** The client's session key module and lens, or a clear error where no lens is known. */
export function lensOf(client: SessionKeyClient): { module: Address; lens: Address } {
  const { sessionKeyModule, sessionKeyLens, accountType } = capabilityOf(client);
  if (!sessionKeyLens)
    throw new LeashError('No session key lens is known for this account.', {
      details: `Reading keys needs the SessionKeyLens deployed beside the module; give its address in the ${accountType} account's addresses (sessionKeyLens).`,
    });
  return { module: sessionKeyModule, lens: sessionKeyLens };
}

const notFound = (error: unknown) =>
  error instanceof BaseError &&
  error.walk((e) => e instanceof ContractFunctionRevertedError) instanceof ContractFunctionRevertedError &&
  ['SessionKeyNotFound', 'NotInstalled'].includes(
    (error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError).data?.errorName ?? '',
  );

// A lens address without code answers every call with no data.
const missingLens = (error: unknown, lens: Address) =>
  error instanceof BaseError && error.walk((e) => e instanceof ContractFunctionZeroDataError) instanceof ContractFunctionZeroDataError
    ? new LeashError(`No session key lens is deployed at ${lens} on this chain.`, {
        cause: error,
        details: 'Deploy Leash with `leash deploy` (it deploys the lens beside the module), or give the lens address you use.',
      })
    : error;

/**
 * Everything the lens knows about one key of `account`, in one `eth_call`; undefined when it is not a session key of
 * the account (never added, removed, revoked, or the module is not installed).
 */
export async function readSessionKeyFromLens(
  client: SessionKeyClient,
  parameters: { account: Address; key: Address },
): Promise<LensSessionKeyState | undefined> {
  const { module, lens } = lensOf(client);
  try {
    return await readContract(chainClientOf(client), {
      address: lens,
      abi: lensAbi,
      functionName: 'getSessionKey',
      args: [module, parameters.account, getAddress(parameters.key)],
    });
  } catch (error) {
    if (notFound(error)) return undefined;
    throw missingLens(error, lens);
  }
}

/** Every key of `account` with everything the lens knows about it, in one `eth_call`. */
export async function readSessionKeysFromLens(client: SessionKeyClient, parameters: { account: Address }): Promise<readonly LensSessionKeyState[]> {
  const { module, lens } = lensOf(client);
  try {
    return await readContract(chainClientOf(client), { address: lens, abi: lensAbi, functionName: 'getSessionKeys', args: [module, parameters.account] });
  } catch (error) {
    if (notFound(error)) return [];
    throw missingLens(error, lens);
  }
}
