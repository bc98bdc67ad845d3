import { type Address, type Hex, encodeFunctionData } from 'viem';
import type { Call } from '../../account/execution.js';
import type { LeashAccountClient } from '../../clients/createLeashAccountClient.js';
import { sessionKeyModuleAbi } from '../../generated/SessionKeyModule.js';

/** The session key module this client's account uses. */
export function moduleOf(client: LeashAccountClient): Address {
  return client.account.addresses.sessionKeyModule;
}

/** A call from the account to one of the module's management functions. */
export function moduleCall(client: LeashAccountClient, functionName: string, args: readonly unknown[]): Call {
  return {
    to: moduleOf(client),
    data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName, args } as never) as Hex,
  };
}
