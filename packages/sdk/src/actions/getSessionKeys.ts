import type { Address, Hex } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { readSessionKeysFromLens } from '../lens/readLens.js';
import { toSessionKeyState } from '../lens/toSessionKeyState.js';
import type { SessionKeyState } from '../permissions/state.js';
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
 * The account's session keys (enumerated on-chain) with their tags, in one `eth_call` to the session key lens.
 *
 * @example
 * ```ts
 * const keys = await getSessionKeys(client)
 * // [{ address: '0x…', tag: '0x6d792d617070…', tagText: 'my-app' }]
 * ```
 */
export async function getSessionKeys(
  client: SessionKeyClient,
  parameters: { account?: Address | undefined } = {},
): Promise<SessionKeySummary[]> {
  const account = parameters.account ?? client.account!.address;
  const keys = await readSessionKeysFromLens(client, { account });
  return keys.map((key) => ({ address: key.sessionKey, tag: key.info.tag, tagText: tagText(key.info.tag) }));
}

/**
 * Every session key of the account with its permissions and budgets (what {@link getSessionKeyPermissions} gives for
 * one key), in one `eth_call` to the session key lens, in the order the module lists them.
 *
 * @example
 * ```ts
 * const states = await getSessionKeyStates(client)
 * for (const state of states) console.log(state.tagText, describePermissions(state.permissions))
 * ```
 */
export async function getSessionKeyStates(
  client: SessionKeyClient,
  parameters: { account?: Address | undefined } = {},
): Promise<SessionKeyState[]> {
  const account = parameters.account ?? client.account!.address;
  return (await readSessionKeysFromLens(client, { account })).map(toSessionKeyState);
}
