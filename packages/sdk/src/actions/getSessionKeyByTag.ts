import type { Address, Hex } from 'viem';
import type { SessionKeyClient } from '../account/capability.js';
import { LeashError } from '../errors/LeashError.js';
import { type SessionKeySummary, getSessionKeys } from './getSessionKeys.js';
import { toTag } from './internal/tag.js';

/**
 * No session key, or more than one, has the tag asked for: `reason` says which, `matches` lists the keys that have it.
 *
 * @example
 * ```ts
 * try {
 *   await client.getSessionKeyByTag({ tag: 'tip-jar' })
 * } catch (error) {
 *   if (error instanceof SessionKeyTagError && error.reason === 'ambiguous') console.log(error.matches.map((k) => k.address))
 * }
 * ```
 */
export class SessionKeyTagError extends LeashError {
  override name = 'SessionKeyTagError';
  readonly reason: 'unknown' | 'ambiguous';
  readonly tag: Hex;
  readonly matches: SessionKeySummary[];

  constructor(parameters: { tag: string; storedTag: Hex; account: Address; matches: SessionKeySummary[] }) {
    const { tag, storedTag, account, matches } = parameters;
    const unknown = matches.length === 0;
    super(
      unknown
        ? `No session key of ${account} has the tag "${tag}".`
        : `${matches.length} session keys of ${account} have the tag "${tag}": ${matches.map((key) => key.address).join(', ')}.`,
      { details: unknown ? 'List the keys and their tags with getSessionKeys (CLI: leash key list).' : 'Name the key by its address.' },
    );
    this.reason = unknown ? 'unknown' : 'ambiguous';
    this.tag = storedTag;
    this.matches = matches;
  }
}

/**
 * The account's one session key with this tag (text, as given to `addSessionKey`, or the 32-byte hex), read with all
 * keys in one `eth_call` to the session key lens. Throws {@link SessionKeyTagError} when no key, or more than one, has
 * it. Tags are labels of the owner's choice, not unique on-chain: the error lists every match.
 *
 * @example
 * ```ts
 * const { address } = await client.getSessionKeyByTag({ tag: 'tip-jar' })
 * await client.rotateSessionKey({ oldKey: address, newKey })
 * ```
 */
export async function getSessionKeyByTag(
  client: SessionKeyClient,
  parameters: { tag: Hex | string; account?: Address | undefined },
): Promise<SessionKeySummary> {
  const account = parameters.account ?? client.account!.address;
  const storedTag = toTag(parameters.tag);
  const matches = (await getSessionKeys(client, { account })).filter((key) => key.tag.toLowerCase() === storedTag.toLowerCase());
  if (matches.length !== 1) throw new SessionKeyTagError({ tag: parameters.tag, storedTag, account, matches });
  return matches[0]!;
}
