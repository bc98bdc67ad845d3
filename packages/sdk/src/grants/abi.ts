import { parseAbi } from 'viem';

// The grant's functions and errors as docs/grants.md defines them, until the contracts land and the generated ABIs
// (src/generated) carry them.
export const grantModuleAbi = parseAbi([
  'function cancelSessionKeyGrant(uint64 nonce)',
  'error MalformedGrant()',
  'error GrantForAnotherAccount(address account)',
  'error GrantForAnotherChain(uint256 chainId)',
  'error GrantExpired(uint256 validUntil, uint256 statedTime)',
  'error GrantRevoked(uint256 grantGeneration, uint256 generation)',
  'error GrantAlreadyUsed(uint256 nonce)',
  'error GrantCancelled(uint256 nonce)',
  'error InvalidGrantSignature()',
  'error UnsupportedKeyType(uint256 keyType)',
  'error PermissionNotGrantable(uint256 index, bytes4 selector)',
  'error GrantPermissionsOutOfOrder(uint256 index)',
]);

export const grantLensAbi = parseAbi([
  'function getGrantNonce(address module, address account, uint64 nonce) view returns (uint32 generation, bool used, bool cancelled)',
]);
