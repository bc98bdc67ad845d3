import { type Hex, encodeFunctionData } from 'viem';
import type { Call } from '../../account/execution.js';
import { type SessionKeyClient, capabilityOf } from '../../account/capability.js';
import { sessionKeyModuleAbi } from '../../generated/SessionKeyModule.js';
import type { ContractFunctionArgs, ContractFunctionName } from 'viem';

type ModuleFunction = ContractFunctionName<typeof sessionKeyModuleAbi, 'nonpayable'>;

/** A call from the account to one of the module's management functions. */
export function moduleCall<const F extends ModuleFunction>(
  client: SessionKeyClient,
  functionName: F,
  args: ContractFunctionArgs<typeof sessionKeyModuleAbi, 'nonpayable', F>,
): Call {
  return {
    to: capabilityOf(client).sessionKeyModule,
    data: encodeFunctionData({ abi: sessionKeyModuleAbi, functionName, args } as never) as Hex,
  };
}
