import type { Address, Hex } from 'viem';
import { readContract } from 'viem/actions';
import type { LeashAccountClient } from '../clients/createLeashAccountClient.js';
import { sessionKeyModuleAbi } from '../generated/SessionKeyModule.js';
import { moduleOf } from './internal/module.js';
import { tagText } from './internal/tag.js';

/**
 * A session key of an account and its tag.
 *
 * @example
 * ```ts
 * const keys: SessionKeySummary[] = await client.getSessionKeys()
 * for (const { address, tagText } of keys) console.log(address, tagText)
 * ```
 */
export type SessionKeySummary = {
  address: Address;
  /** The tag as stored (bytes32). */
  tag: Hex;
  /** The tag as text, when it is text. */
  tagText: string | undefined;
};

/**
 * The account's session keys (enumerated on-chain) with their tags.
 *
 * @example
 * ```ts
 * const keys = await getSessionKeys(client)
 * // [{ address: '0x…', tag: '0x6d792d617070…', tagText: 'my-app' }]
 * ```
 */
export async function getSessionKeys(
  client: LeashAccountClient,
  parameters: { account?: Address | undefined } = {},
): Promise<SessionKeySummary[]> {
  const account = parameters.account ?? client.account.address;
  const module = moduleOf(client);
  const keys = await readContract(client.client, {
    address: module,
    abi: sessionKeyModuleAbi,
    functionName: 'sessionKeysOf',
    args: [account],
  });
  return Promise.all(
    keys.map(async (address) => {
      const info = await readContract(client.client, {
        address: module,
        abi: sessionKeyModuleAbi,
        functionName: 'getSessionKeyInfo',
        args: [account, address],
      });
      return { address, tag: info.tag, tagText: tagText(info.tag) };
    }),
  );
}
