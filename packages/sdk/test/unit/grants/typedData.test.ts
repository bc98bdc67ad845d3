import { describe, expect, it } from 'vitest';
import { type Address, type Hex, concat, encodeAbiParameters, encodeFunctionData, hashTypedData, keccak256, slice, stringToHex, toFunctionSelector, toHex } from 'viem';
import {
  DAY,
  PermissionNotGrantableError,
  SessionKeyAccessListType,
  SessionKeyPermissionsBuilder,
  UnknownPermissionUpdateError,
  grantPermissionFields,
  hashChainGrant,
  hashSessionKeyGrant,
  nonGrantableUpdates,
  sessionKeyPermissionUpdatesAbi,
  sortGrantUpdates,
  toSessionKeyGrantTypedData,
} from '@leash/sdk';

const module: Address = '0x1111111111111111111111111111111111111111';
const account: Address = '0x2222222222222222222222222222222222222222';
const key: Address = '0x3333333333333333333333333333333333333333';
const token: Address = '0x4444444444444444444444444444444444444444';
const other: Address = '0x5555555555555555555555555555555555555555';
const paymaster: Address = '0x6666666666666666666666666666666666666666';

// The type strings exactly as docs/grants.md writes them (the contract hashes these).
const structTypes: Record<string, string> = {
  SessionKeyGrant: 'SessionKeyGrant(address account,address sessionKey,uint8 keyType,bytes32 tag,uint64 nonce,uint48 validUntil,ChainGrant[] chains)',
  ChainGrant: 'ChainGrant(uint256 chainId,uint32 generation,Permissions permissions)',
  Permissions:
    'Permissions(AccessListType[] accessListType,ContractAccess[] contracts,FunctionAccess[] functions,TimeRange[] timeRange,RefreshAnchor[] refreshAnchor,Erc20Limit[] erc20Limits,NativeTokenLimit[] nativeTokenLimit,UnlimitedNativeToken[] unlimitedNativeToken,GasLimit[] gasLimit,UnlimitedGas[] unlimitedGas,CallLimit[] callLimit,RequiredPaymaster[] requiredPaymaster)',
  AccessListType: 'AccessListType(uint8 listType)',
  ContractAccess: 'ContractAccess(address target,bool isOnList,bool checkSelectors)',
  FunctionAccess: 'FunctionAccess(address target,bytes4 selector,bool isOnList)',
  TimeRange: 'TimeRange(uint48 validFrom,uint48 validUntil)',
  RefreshAnchor: 'RefreshAnchor(uint48 anchor)',
  Erc20Limit: 'Erc20Limit(address token,uint256 spendLimit,uint48 refreshInterval)',
  NativeTokenLimit: 'NativeTokenLimit(uint256 spendLimit,uint48 refreshInterval)',
  UnlimitedNativeToken: 'UnlimitedNativeToken()',
  GasLimit: 'GasLimit(uint256 spendLimit,uint48 refreshInterval)',
  UnlimitedGas: 'UnlimitedGas()',
  CallLimit: 'CallLimit(uint256 callLimit,uint48 refreshInterval)',
  RequiredPaymaster: 'RequiredPaymaster(address paymaster)',
};
const typeHash = (name: string) => keccak256(stringToHex(name));
const permissionStructs = Object.keys(structTypes).filter((n) => !['SessionKeyGrant', 'ChainGrant', 'Permissions'].includes(n)).sort();
const permissionsType = structTypes.Permissions! + permissionStructs.map((n) => structTypes[n]).join('');
const chainGrantType = structTypes.ChainGrant! + [...permissionStructs, 'Permissions'].sort().map((n) => structTypes[n]).join('');
const grantType = structTypes.SessionKeyGrant! + [...permissionStructs, 'Permissions', 'ChainGrant'].sort().map((n) => structTypes[n]).join('');

const selectorOf = (name: string) =>
  toFunctionSelector(sessionKeyPermissionUpdatesAbi.find((item) => item.type === 'function' && item.name === name) as never);

// The contract's way: each update's struct hash is keccak256(typeHash ‖ the update's ABI-encoded arguments).
function permissionsHashTheContractsWay(updates: readonly Hex[]): Hex {
  const fieldHashes = grantPermissionFields.map(({ struct, update: name }) => {
    const selector = selectorOf(name);
    const own = updates.filter((update) => update.slice(0, 10) === selector);
    return keccak256(concat(own.map((update) => keccak256(concat([typeHash(structTypes[struct]!), `0x${update.slice(10)}`])))));
  });
  return keccak256(concat([typeHash(permissionsType), ...fieldHashes]));
}
const chainHashTheContractsWay = (chainId: bigint, generation: number, updates: readonly Hex[]) =>
  keccak256(concat([typeHash(chainGrantType), toHex(chainId, { size: 32 }), toHex(generation, { size: 32 }), permissionsHashTheContractsWay(updates)]));

// Every field kind: one chain with limits, another with the "unlimited" updates and the access list's other entries.
const fullSet = new SessionKeyPermissionsBuilder()
  .setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST)
  .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
  .addContractAddressAccessEntry({ contractAddress: other, isOnList: true, checkSelectors: false })
  .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
  .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'approve(address,uint256)', isOnList: false })
  .setTimeRange({ validFrom: 1_900_000_000, validUntil: 1_900_100_000 })
  .setRefreshAnchor({ anchor: 1_900_000_000 })
  .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: 100_000_000n, refreshInterval: DAY })
  .addErc20TokenSpendLimit({ tokenAddress: other, spendLimit: 5n })
  .setNativeTokenSpendLimit({ spendLimit: 10n ** 17n, refreshInterval: DAY })
  .setGasSpendLimit({ spendLimit: 10n ** 16n, refreshInterval: DAY })
  .setCallLimit({ callLimit: 20, refreshInterval: DAY })
  .setRequiredPaymaster({ paymasterAddress: paymaster })
  .encode();
const unlimitedSet = new SessionKeyPermissionsBuilder()
  .setContractAccessControlType(SessionKeyAccessListType.DENYLIST)
  .removeNativeTokenSpendLimit()
  .removeGasSpendLimit()
  .encode();

const message = (chains: { chainId: number; generation: number; permissions: readonly Hex[] }[]) => ({
  sessionKeyModule: module,
  account,
  sessionKey: key,
  keyType: 0,
  tag: stringToHex('agent', { size: 32 }),
  nonce: 0xfedcba9876543210n,
  validUntil: 1_900_050_000,
  chains,
});

describe('session key grant typed data', () => {
  it('has the types of docs/grants.md, each permission struct with exactly its update\'s arguments', () => {
    const { types } = toSessionKeyGrantTypedData(message([{ chainId: 1, generation: 0, permissions: [] }]));
    for (const [name, members] of Object.entries(types)) {
      const encoded = `${name}(${(members as readonly { name: string; type: string }[]).map((m) => `${m.type} ${m.name}`).join(',')})`;
      expect(encoded, name).toBe(structTypes[name]);
    }
    expect(Object.keys(types).sort()).toEqual(Object.keys(structTypes).sort());
  });

  it('covers every permission update: grantable ones by a field, the two removes refused', () => {
    const updates = sessionKeyPermissionUpdatesAbi.filter((item) => item.type === 'function').map((item) => item.name);
    expect([...grantPermissionFields.map((f) => f.update), ...nonGrantableUpdates].sort()).toEqual([...updates].sort());
  });

  it('viem\'s hash equals the contract\'s way (keccak256(typeHash ‖ update arguments)) for every field kind, on several chains', () => {
    const chains = [
      { chainId: 1, generation: 0, permissions: sortGrantUpdates(fullSet) },
      { chainId: 8453, generation: 7, permissions: sortGrantUpdates(unlimitedSet) },
      { chainId: 31337, generation: 4_294_967_295, permissions: [] },
    ];
    const expectedChainHashes = chains.map((c) => chainHashTheContractsWay(BigInt(c.chainId), c.generation, c.permissions));
    expect(chains.map(hashChainGrant)).toEqual(expectedChainHashes);

    const m = message(chains);
    const structHash = keccak256(
      concat([
        typeHash(grantType),
        encodeAbiParameters(
          [{ type: 'address' }, { type: 'address' }, { type: 'uint8' }, { type: 'bytes32' }, { type: 'uint64' }, { type: 'uint48' }],
          [m.account, m.sessionKey, m.keyType, m.tag, m.nonce, m.validUntil],
        ),
        keccak256(concat(expectedChainHashes)),
      ]),
    );
    const domainSeparator = keccak256(
      concat([
        typeHash('EIP712Domain(string name,string version,address verifyingContract)'),
        keccak256(stringToHex('Leash Session Key Grant')),
        keccak256(stringToHex('1')),
        toHex(BigInt(module), { size: 32 }),
      ]),
    );
    const digest = keccak256(concat(['0x1901', domainSeparator, structHash]));
    expect(hashSessionKeyGrant(m)).toBe(digest);
    expect(hashTypedData(toSessionKeyGrantTypedData(m) as never)).toBe(digest);
  });

  it('every field changes the digest', () => {
    const base = message([{ chainId: 1, generation: 0, permissions: sortGrantUpdates(fullSet) }]);
    const digest = hashSessionKeyGrant(base);
    const variants = [
      { ...base, sessionKeyModule: other },
      { ...base, account: other },
      { ...base, sessionKey: other },
      { ...base, keyType: 1 },
      { ...base, tag: stringToHex('agenT', { size: 32 }) },
      { ...base, nonce: base.nonce + 1n },
      { ...base, validUntil: base.validUntil + 1 },
      { ...base, chains: [{ ...base.chains[0]!, chainId: 2 }] },
      { ...base, chains: [{ ...base.chains[0]!, generation: 1 }] },
      { ...base, chains: [{ ...base.chains[0]!, permissions: base.chains[0]!.permissions.slice(1) }] },
      { ...base, chains: [...base.chains, { chainId: 2, generation: 0, permissions: [] }] },
    ];
    const digests = new Set(variants.map(hashSessionKeyGrant));
    expect(digests.size).toBe(variants.length);
    expect(digests.has(digest)).toBe(false);
  });

  it('sorts updates stably by the Permissions field order', () => {
    const sorted = sortGrantUpdates(fullSet);
    const rank = (u: Hex) => grantPermissionFields.findIndex((f) => selectorOf(f.update) === u.slice(0, 10));
    expect(sorted.map(rank)).toEqual([...sorted.map(rank)].sort((a, b) => a - b));
    expect(sorted).toHaveLength(fullSet.length);
    // Within a field, the order given is kept (two contract entries, two ERC-20 limits, in both orders).
    const contracts = sorted.filter((u) => rank(u) === 1);
    expect(sortGrantUpdates([...fullSet].reverse()).filter((u) => rank(u) === 1)).toEqual([...contracts].reverse());
    // The builder puts the anchor last; the grant puts it after the time range.
    expect(rank(sorted[sorted.findIndex((u) => rank(u) === 4)]!)).toBe(4);
    expect(sortGrantUpdates(sorted)).toEqual(sorted);
  });

  it('refuses removeErc20SpendLimit and removeCallLimit with PermissionNotGrantableError, and unknown updates', () => {
    const removeErc20 = encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeErc20SpendLimit', args: [token] });
    const removeCalls = encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeCallLimit' });
    expect(() => sortGrantUpdates([...fullSet, removeErc20])).toThrow(PermissionNotGrantableError);
    try {
      sortGrantUpdates([removeCalls]);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(PermissionNotGrantableError);
      expect((error as PermissionNotGrantableError).functionName).toBe('removeCallLimit');
      expect((error as PermissionNotGrantableError).index).toBe(0);
    }
    expect(() => sortGrantUpdates(['0xdeadbeef'])).toThrow(UnknownPermissionUpdateError);
  });
});
