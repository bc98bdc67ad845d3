import { describe, expect, it } from 'vitest';
import { SessionKeyAccessListType as LeashAccessListType, SessionKeyPermissionsBuilder as LeashBuilder, getLeashAddresses } from '../../src/index.js';
import { SessionKeyAccessListType, SessionKeyPermissionsBuilder, SessionKeyPlugin } from '../../src/alchemy/index.js';

describe('@leash/sdk/alchemy: the plugin names over Leash (issue 19, item 2)', () => {
  it("the plugin's address on any chain is the session key module; its list types are Leash's values", () => {
    expect(SessionKeyPlugin.meta.addresses[1]).toBe(getLeashAddresses().sessionKeyModule);
    expect(SessionKeyPlugin.meta.addresses[8453]).toBe(getLeashAddresses().sessionKeyModule);
    expect(SessionKeyAccessListType.ALLOW_ALL_ACCESS).toBe(LeashAccessListType.ALLOW_ALL);
    expect(SessionKeyPermissionsBuilder).toBe(LeashBuilder);
    expect(new SessionKeyPermissionsBuilder().setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL_ACCESS).toPermissions()).toEqual({
      accessListType: LeashAccessListType.ALLOW_ALL,
    });
  });
});
