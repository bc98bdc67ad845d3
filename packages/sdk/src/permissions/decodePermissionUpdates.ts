import { type Hex, decodeFunctionData, encodeFunctionData, isHex, size, slice, toFunctionSelector } from 'viem';
import { sessionKeyPermissionUpdatesAbi } from '../generated/ISessionKeyPermissionUpdates.js';
import { MalformedPermissionUpdateError, UnknownPermissionUpdateError } from './errors.js';
import { kindOfUpdate, permissionKinds } from './kinds/index.js';
import type { PermissionUpdate } from './kinds/kind.js';
import type { SessionKeyPermissions } from './types.js';

// Each permission update function by selector: its name and how many (32-byte) arguments it takes.
let updateFunctions: Map<Hex, { name: string; argumentCount: number }> | undefined;
const updateFunctionOf = (selector: Hex) => {
  updateFunctions ??= new Map(
    sessionKeyPermissionUpdatesAbi
      .filter((item) => item.type === 'function')
      .map((item) => [toFunctionSelector(item), { name: item.name, argumentCount: item.inputs.length }] as const),
  );
  return updateFunctions.get(selector);
};
const functionNameOf = (selector: Hex): string | undefined => updateFunctionOf(selector)?.name;

/**
 * Splits the updates of a `SessionKeyAdded` or `SessionKeyPermissionsUpdated` event back into a list. The module logs
 * them concatenated, to save gas: each is `selector ‖ 32 bytes per argument`, so its length follows from its selector.
 * Throws {@link UnknownPermissionUpdateError} for an unknown selector and {@link MalformedPermissionUpdateError} when
 * the bytes end inside an update.
 *
 * @example
 * ```ts
 * const permissions = decodePermissionUpdates(splitPermissionUpdates(event.args.updates))
 * ```
 */
export function splitPermissionUpdates(packed: Hex): Hex[] {
  const updates: Hex[] = [];
  const total = size(packed);
  for (let offset = 0; offset < total; ) {
    const rest = slice(packed, offset);
    const selector = (total - offset >= 4 ? slice(packed, offset, offset + 4) : '0x00000000').toLowerCase() as Hex;
    const fn = updateFunctionOf(selector);
    if (!fn) throw new UnknownPermissionUpdateError({ index: updates.length, update: rest, selector });
    const end = offset + 4 + 32 * fn.argumentCount;
    if (end > total) throw new MalformedPermissionUpdateError({ index: updates.length, update: rest, functionName: fn.name });
    updates.push(slice(packed, offset, end));
    offset = end;
  }
  return updates;
}

/**
 * Decodes encoded permission updates (as the builder encodes them, or as read from the module's events through
 * {@link splitPermissionUpdates}) into plain {@link SessionKeyPermissions}. Each update is checked the way the module checks it: unknown
 * selectors ({@link UnknownPermissionUpdateError}), non-canonical encodings ({@link MalformedPermissionUpdateError})
 * and out-of-range values (the builder's typed errors) throw. When a list sets the same permission more than once,
 * the last one wins, as on-chain.
 *
 * Round trips: `decodePermissionUpdates(builder.encode())` deep-equals `builder.toPermissions()`, and
 * `SessionKeyPermissionsBuilder.fromPermissions(decodePermissionUpdates(updates)).encode()` equals `updates` for
 * canonical updates (what `encode()` produces).
 *
 * @example
 * ```ts
 * const permissions = decodePermissionUpdates(builder.encode())
 * console.log(describePermissions(permissions).join('\n'))
 * ```
 */
export function decodePermissionUpdates(updates: readonly Hex[]): SessionKeyPermissions {
  const abi = sessionKeyPermissionUpdatesAbi;
  const states = new Map(permissionKinds.map((kind) => [kind, kind.create()] as const));
  updates.forEach((update, index) => {
    if (typeof update !== 'string' || !isHex(update)) {
      throw new MalformedPermissionUpdateError({ index, update: String(update) as Hex, functionName: 'unknown' });
    }
    const selector = (size(update) >= 4 ? slice(update, 0, 4) : '0x00000000').toLowerCase() as Hex;
    const functionName = functionNameOf(selector);
    const kind = functionName === undefined ? undefined : kindOfUpdate(functionName);
    if (!functionName || !kind) throw new UnknownPermissionUpdateError({ index, update, selector });
    let decoded: PermissionUpdate;
    try {
      decoded = decodeFunctionData({ abi, data: update });
      // The module takes only the canonical encoding: exact length, clean padding, bools 0 or 1.
      const reencoded = encodeFunctionData({ abi, functionName: decoded.functionName, args: decoded.args } as never);
      if (reencoded.toLowerCase() !== update.toLowerCase()) throw new Error('Not the canonical encoding.');
    } catch (cause) {
      throw new MalformedPermissionUpdateError({ index, update, functionName, cause: cause as Error });
    }
    kind.decode(states.get(kind), decoded, `update ${index} (${functionName})`);
  });
  const permissions: SessionKeyPermissions = {};
  for (const [kind, state] of states) kind.toPermissions(state, permissions);
  return permissions;
}
