import { type DescribePermissionsOptions, SessionKeyAccessListType, type SessionKeyPermissions, describePermissions } from '@leash/sdk';

/** What a key may call, in plain words, from its access list's kind and how many contracts it lists. */
function accessSentence(type: SessionKeyAccessListType | undefined, listedContracts: number): string | undefined {
  switch (type) {
    case SessionKeyAccessListType.ALLOWLIST:
      return listedContracts === 0 ? 'May call nothing yet: no contract is allowed' : 'May call only what is listed below, nothing else';
    case SessionKeyAccessListType.DENYLIST:
      return listedContracts === 0 ? 'May call any contract' : 'May call any contract, except as listed below';
    case SessionKeyAccessListType.ALLOW_ALL:
      return 'May call any contract and any function';
    default:
      return undefined;
  }
}

/**
 * A key's permissions as the manager shows them, one line each: the SDK's description, with its access-list line
 * ("Access list: allowlist") said in plain words, and without the default period anchor (the Unix epoch), which
 * says nothing to a reader.
 */
export function describeKeyPermissions(permissions: SessionKeyPermissions, options: DescribePermissionsOptions): string[] {
  const lines = describePermissions(permissions, options).filter((line) => !line.startsWith('Access list:') && !line.includes('Unix epoch'));
  const access = accessSentence(permissions.accessListType, permissions.contracts?.length ?? 0);
  return access ? [access, ...lines] : lines;
}
