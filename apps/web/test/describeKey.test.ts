import { describe, expect, it } from 'vitest';
import { SessionKeyAccessListType, SessionKeyPermissionsBuilder } from '@leash/sdk';
import { describeKeyPermissions } from '../src/describeKey.js';

const token = '0x1f08BBFde5eA8c5a6B4A23Ce29dD218eAcd23BA6';
const describeBuilder = (builder: SessionKeyPermissionsBuilder) => describeKeyPermissions(builder.toPermissions(), { tokens: { [token]: { symbol: 'dUSD', decimals: 6 } } });

describe('describeKeyPermissions', () => {
  it('says what each kind of access list lets a key call, in plain words', () => {
    const allowlist = describeBuilder(
      new SessionKeyPermissionsBuilder()
        .setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST)
        .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
        .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true }),
    );
    expect(allowlist.slice(0, 2)).toEqual(['May call only what is listed below, nothing else', `May call dUSD ${token}: only transfer(address,uint256)`]);
    expect(describeBuilder(new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST))[0]).toBe('May call nothing yet: no contract is allowed');
    const denylist = describeBuilder(
      new SessionKeyPermissionsBuilder()
        .setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
        .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: false }),
    );
    expect(denylist.slice(0, 2)).toEqual(['May call any contract, except as listed below', `May not call dUSD ${token}`]);
    expect(describeBuilder(new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL))).toEqual(['May call any contract and any function']);
    for (const lines of [allowlist, denylist]) expect(lines.join('\n')).not.toMatch(/access list|allowlist|denylist/i);
  });

  it('leaves out the default period anchor, which says nothing to a reader', () => {
    expect(describeBuilder(new SessionKeyPermissionsBuilder().setRefreshAnchor({ anchor: 0 })).join('\n')).not.toContain('Unix epoch');
  });
});
