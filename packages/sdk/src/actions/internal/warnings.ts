import type { Address, Hex } from 'viem';
import { log } from '../../logging/logger.js';
import { decodePermissionUpdates } from '../../permissions/decodePermissionUpdates.js';
import { permissionWarnings } from '../../permissions/warnings.js';

/** Says through the SDK's logger what a new key's permissions will refuse unmeant (the op that adds it still goes). */
export function logPermissionWarnings(key: Address, permissions: readonly Hex[]): void {
  for (const warning of permissionWarnings(decodePermissionUpdates(permissions)))
    log({ level: 'warn', code: 'permission-warning', message: `Session key ${key}: ${warning.message} ${warning.fix}`, warning });
}
