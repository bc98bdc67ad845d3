import { encodeFunctionData } from 'viem';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { moduleTypeValidator } from '../constants.js';
import { leashAccountAbi } from '../generated/LeashAccount.js';
import { moduleOf } from './internal/module.js';
import { type UserOperationResult, sendCallsAndWait } from './internal/sendCalls.js';

/**
 * Uninstalls the session key module: every session key of the account stops working at once (O(1) on-chain), and a
 * later install starts with no keys.
 *
 * @example
 * ```ts
 * await uninstallSessionKeyModule(client)
 * ```
 */
export async function uninstallSessionKeyModule(client: LeashAccountClient): Promise<UserOperationResult> {
  return sendCallsAndWait(client, [
    {
      to: client.account.address,
      data: encodeFunctionData({
        abi: leashAccountAbi,
        functionName: 'uninstallModule',
        args: [moduleTypeValidator, moduleOf(client), '0x'],
      }),
    },
  ]);
}
