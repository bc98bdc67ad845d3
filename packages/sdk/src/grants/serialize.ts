import { type Address, type Hex, getAddress, isAddress, isHex, size } from 'viem';
import { LeashError } from '../errors/LeashError.js';
import { InvalidSessionKeyGrantError } from './errors.js';
import { sortGrantUpdates } from './permissions.js';
import type { SessionKeyGrantMessage } from './typedData.js';

/**
 * A signed grant: everything the key's first op on each chain needs, and the owner's signature over it. Hand it to the
 * key's holder as JSON ({@link serializeSessionKeyGrant}); it holds no secret (the key's private key stays with its
 * holder), but whoever holds the key can use it until it is used, cancelled, revoked or expired.
 *
 * @example
 * ```ts
 * const grant: SessionKeyGrant = await ownerClient.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: 1 }] })
 * ```
 */
export type SessionKeyGrant = SessionKeyGrantMessage & {
  /** What the account's `isValidSignature` accepts for the grant's digest. */
  ownerSignature: Hex;
};

/**
 * The `type` field of a grant's JSON.
 *
 * @example
 * ```ts
 * const looksLikeGrant = JSON.parse(text).type === sessionKeyGrantJsonType
 * ```
 */
export const sessionKeyGrantJsonType = 'leash-session-key-grant';
/**
 * The version of a grant's JSON this SDK writes and reads.
 *
 * @example
 * ```ts
 * if (JSON.parse(text).version > sessionKeyGrantJsonVersion) console.log('update the SDK')
 * ```
 */
export const sessionKeyGrantJsonVersion = 1;

/**
 * The most chains a grant may name (the module refuses more).
 *
 * @example
 * ```ts
 * if (chains.length > maxGrantChains) throw new Error('split the grant')
 * ```
 */
export const maxGrantChains = 64;

const jsonFields = ['type', 'version', 'sessionKeyModule', 'account', 'sessionKey', 'keyType', 'tag', 'nonce', 'validUntil', 'chains', 'ownerSignature'];
const chainFields = ['chainId', 'generation', 'permissions'];

/**
 * A grant as JSON text: bigints as decimal strings, so any JSON reader keeps them exact. {@link parseSessionKeyGrant}
 * reads it back.
 *
 * @example
 * ```ts
 * await writeFile('grant.json', serializeSessionKeyGrant(grant))
 * ```
 */
export function serializeSessionKeyGrant(grant: SessionKeyGrant): string {
  const checked = assertSessionKeyGrant(grant);
  return JSON.stringify(
    {
      type: sessionKeyGrantJsonType,
      version: sessionKeyGrantJsonVersion,
      sessionKeyModule: checked.sessionKeyModule,
      account: checked.account,
      sessionKey: checked.sessionKey,
      keyType: checked.keyType,
      tag: checked.tag,
      nonce: checked.nonce.toString(),
      validUntil: checked.validUntil,
      chains: checked.chains.map(({ chainId, generation, permissions }) => ({ chainId, generation, permissions })),
      ownerSignature: checked.ownerSignature,
    },
    null,
    2,
  );
}

/**
 * Reads a grant from its JSON (text, or an already parsed object), strictly: every field must be present with the
 * right type and range, no unknown field, chains distinct, permissions valid, grantable and in grant order. Throws
 * {@link InvalidSessionKeyGrantError} naming the field.
 *
 * @example
 * ```ts
 * const grant = parseSessionKeyGrant(await readFile('grant.json', 'utf8'))
 * await sessionClient.executeWithSessionKey({ grant, calls })
 * ```
 */
export function parseSessionKeyGrant(json: string | unknown): SessionKeyGrant {
  let value: unknown = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new InvalidSessionKeyGrantError('', 'it is not JSON.', { cause: error as Error });
    }
  }
  const object = asObject(value, '');
  for (const key of Object.keys(object)) if (!jsonFields.includes(key)) throw new InvalidSessionKeyGrantError(key, 'is not a field of a grant.');
  if (object.type !== sessionKeyGrantJsonType) throw new InvalidSessionKeyGrantError('type', `must be "${sessionKeyGrantJsonType}".`);
  if (object.version !== sessionKeyGrantJsonVersion)
    throw new InvalidSessionKeyGrantError('version', `${JSON.stringify(object.version)} is not supported (this SDK reads version ${sessionKeyGrantJsonVersion}).`);
  if (typeof object.nonce !== 'string' || !/^(0|[1-9][0-9]*)$/.test(object.nonce))
    throw new InvalidSessionKeyGrantError('nonce', 'must be a decimal string (a 64-bit number).');
  if (!Array.isArray(object.chains)) throw new InvalidSessionKeyGrantError('chains', 'must be a list.');
  const chains = object.chains.map((chain, i) => {
    const part = asObject(chain, `chains[${i}]`);
    for (const key of Object.keys(part)) if (!chainFields.includes(key)) throw new InvalidSessionKeyGrantError(`chains[${i}].${key}`, 'is not a field of a chain grant.');
    return part;
  });
  return assertSessionKeyGrant({ ...object, nonce: BigInt(object.nonce), chains } as unknown as SessionKeyGrant);
}

/**
 * Checks every field of a grant (types, ranges, chains, permissions in grant order) and returns it with normalised
 * addresses; throws {@link InvalidSessionKeyGrantError} naming the first bad field.
 *
 * @example
 * ```ts
 * const grant = assertSessionKeyGrant(untrustedGrant)
 * ```
 */
export function assertSessionKeyGrant(grant: SessionKeyGrant): SessionKeyGrant {
  const address = (value: unknown, field: string): Address => {
    if (typeof value !== 'string' || !isAddress(value)) throw new InvalidSessionKeyGrantError(field, 'must be an address (checksummed or all lower case).');
    return getAddress(value);
  };
  const integer = (value: unknown, field: string, max: number): number => {
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > max)
      throw new InvalidSessionKeyGrantError(field, `must be an integer from 0 to ${max}.`);
    return value;
  };
  const hex = (value: unknown, field: string, bytes?: number): Hex => {
    if (typeof value !== 'string' || !isHex(value, { strict: true }) || value.length % 2 !== 0 || (bytes !== undefined && size(value) !== bytes))
      throw new InvalidSessionKeyGrantError(field, bytes === undefined ? 'must be hex bytes.' : `must be ${bytes} bytes of hex.`);
    return value.toLowerCase() as Hex;
  };
  if (typeof grant !== 'object' || grant === null) throw new InvalidSessionKeyGrantError('', 'it is not an object.');
  if (typeof grant.nonce !== 'bigint' || grant.nonce < 0n || grant.nonce >= 2n ** 64n)
    throw new InvalidSessionKeyGrantError('nonce', 'must be a 64-bit number.');
  const ownerSignature = hex(grant.ownerSignature, 'ownerSignature');
  if (size(ownerSignature) === 0) throw new InvalidSessionKeyGrantError('ownerSignature', 'is empty.');
  if (!Array.isArray(grant.chains) || grant.chains.length === 0 || grant.chains.length > maxGrantChains)
    throw new InvalidSessionKeyGrantError('chains', `must name 1 to ${maxGrantChains} chains.`);
  const seen = new Set<number>();
  const chains = grant.chains.map((chain, i) => {
    const at = `chains[${i}]`;
    if (typeof chain !== 'object' || chain === null) throw new InvalidSessionKeyGrantError(at, 'is not an object.');
    const chainId = integer(chain.chainId, `${at}.chainId`, Number.MAX_SAFE_INTEGER);
    if (chainId === 0) throw new InvalidSessionKeyGrantError(`${at}.chainId`, 'must not be 0.');
    if (seen.has(chainId)) throw new InvalidSessionKeyGrantError(`${at}.chainId`, `names chain ${chainId} a second time.`);
    seen.add(chainId);
    const generation = integer(chain.generation, `${at}.generation`, 2 ** 32 - 1);
    if (!Array.isArray(chain.permissions)) throw new InvalidSessionKeyGrantError(`${at}.permissions`, 'must be a list of permission updates.');
    const permissions = (chain.permissions as unknown[]).map((update, j) => hex(update, `${at}.permissions[${j}]`));
    let sorted: Hex[];
    try {
      sorted = sortGrantUpdates(permissions);
    } catch (error) {
      throw new InvalidSessionKeyGrantError(`${at}.permissions`, (error as LeashError).shortMessage ?? String(error), { cause: error as Error });
    }
    if (sorted.some((update, j) => update !== permissions[j]))
      throw new InvalidSessionKeyGrantError(`${at}.permissions`, 'are not in grant order (the order of the Permissions fields).');
    return { chainId, generation, permissions };
  });
  return {
    sessionKeyModule: address(grant.sessionKeyModule, 'sessionKeyModule'),
    account: address(grant.account, 'account'),
    sessionKey: address(grant.sessionKey, 'sessionKey'),
    keyType: integer(grant.keyType, 'keyType', 255),
    tag: hex(grant.tag, 'tag', 32),
    nonce: grant.nonce,
    validUntil: integer(grant.validUntil, 'validUntil', 2 ** 48 - 1),
    chains,
    ownerSignature,
  };
}

function asObject(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InvalidSessionKeyGrantError(field, 'must be a JSON object.');
  return value as Record<string, unknown>;
}
