import type { Address, Hex } from 'viem';
import type { ModuleErrorMapping } from '../permissions/kinds/kind.js';
import {
  GrantAlreadyUsedError,
  GrantCancelledError,
  GrantExpiredError,
  GrantForAnotherAccountError,
  GrantForAnotherChainError,
  GrantPermissionsRefusedError,
  GrantRevokedError,
  InvalidGrantSignatureError,
  MalformedGrantError,
  UnsupportedKeyTypeError,
} from './errors.js';

/** The module's grant refusals (docs/grants.md), each to its typed error. */
export const grantErrorMappings: Readonly<Record<string, ModuleErrorMapping>> = {
  MalformedGrant: (_, cause) => new MalformedGrantError({ cause }),
  GrantForAnotherAccount: ([account], cause) => new GrantForAnotherAccountError({ account: account as Address, cause }),
  GrantForAnotherChain: ([chainId], cause) => new GrantForAnotherChainError({ chainId: chainId as bigint, cause }),
  GrantExpired: ([validUntil, statedTime], cause) => new GrantExpiredError({ validUntil: validUntil as bigint, statedTime: statedTime as bigint, cause }),
  GrantRevoked: ([grantGeneration, generation], cause) =>
    new GrantRevokedError({ grantGeneration: grantGeneration as bigint, generation: generation as bigint, cause }),
  GrantAlreadyUsed: ([nonce], cause) => new GrantAlreadyUsedError({ nonce: nonce as bigint, cause }),
  GrantCancelled: ([nonce], cause) => new GrantCancelledError({ nonce: nonce as bigint, cause }),
  InvalidGrantSignature: (_, cause) => new InvalidGrantSignatureError({ cause }),
  UnsupportedKeyType: ([keyType], cause) => new UnsupportedKeyTypeError({ keyType: keyType as bigint, cause }),
  PermissionNotGrantable: ([index, selector], cause) => new GrantPermissionsRefusedError({ index: index as bigint, selector: selector as Hex, cause }),
  GrantPermissionsOutOfOrder: ([index], cause) => new GrantPermissionsRefusedError({ index: index as bigint, cause }),
};
