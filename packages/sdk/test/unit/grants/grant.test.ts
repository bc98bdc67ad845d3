import { describe, expect, it } from 'vitest';
import {
  type Hex,
  concat,
  createPublicClient,
  custom,
  decodeAbiParameters,
  decodeFunctionData,
  encodeAbiParameters,
  parseAbiParameters,
  recoverTypedDataAddress,
  size,
  slice,
  stringToHex,
  zeroHash,
} from 'viem';
import { createBundlerClient } from 'viem/account-abstraction';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';
import {
  DAY,
  GrantForAnotherChainError,
  InvalidSessionKeyGrantError,
  MultiChainGrantNotSupportedError,
  PermissionNotGrantableError,
  type SessionKeyGrant,
  SessionKeyPermissionsBuilder,
  encodeGrantSessionSignature,
  getLeashAddresses,
  hashChainGrant,
  parseSessionKeyGrant,
  serializeSessionKeyGrant,
  sessionKeyActions,
  sessionKeyPermissionUpdatesAbi,
  signSessionKeyGrant,
  toErc7579SmartAccount,
  toLeashSmartAccount,
  toSessionKeyGrantTypedData,
  GrantAlreadyUsedError,
  InvalidGrantSignatureError,
  GrantRevokedError,
  SessionKeyGrantRefusedError,
  decodeSessionKeyModuleError,
  sessionKeyLensAbi,
  sessionKeyModuleAbi,
} from '@leash/sdk';
import { encodeErrorResult, encodeFunctionData } from 'viem';

const token = '0x4444444444444444444444444444444444444444';
const sessionKey = '0x3333333333333333333333333333333333333333';
const owner = privateKeyToAccount(generatePrivateKey());
const addresses = getLeashAddresses();
const permissions = new SessionKeyPermissionsBuilder()
  .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: false })
  .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: 100n, refreshInterval: DAY })
  .setGasSpendLimit({ spendLimit: 10n ** 16n, refreshInterval: DAY })
  .setRefreshAnchor({ anchor: 1_900_000_000 })
  .encode();


/** A chain whose lens answers getGrantNonce from `nonces` (nonce → used) with `generation`; counts the reads. */
function fakeChain(parameters: { generation: number; usedNonces?: bigint[] }) {
  const reads: bigint[] = [];
  const client = createPublicClient({
    chain: foundry,
    transport: custom({
      async request({ method, params }) {
        if (method === 'eth_chainId') return '0x7a69';
        if (method !== 'eth_call') throw new Error(`unexpected ${method}`);
        const { functionName, args } = decodeFunctionData({ abi: sessionKeyLensAbi, data: (params as [{ data: Hex }])[0].data });
        if (functionName !== 'getGrantNonce') throw new Error(`unexpected ${functionName}`);
        const nonce = args[2] as bigint;
        reads.push(nonce);
        return encodeAbiParameters(parseAbiParameters('uint32, bool, bool'), [parameters.generation, (parameters.usedNonces ?? []).includes(nonce), false]);
      },
    }),
  });
  return { client, reads };
}

async function leashOwnerClient(chain = fakeChain({ generation: 3 })) {
  const account = await toLeashSmartAccount({ client: chain.client, owner });
  return createBundlerClient({ account, client: chain.client, transport: custom({ request: async () => null }) }).extend(sessionKeyActions());
}

describe('signSessionKeyGrant', () => {
  it('signs once with the Leash owner\'s plain ECDSA key, for several chains, each generation read or given', async () => {
    const own = fakeChain({ generation: 3 });
    const base = fakeChain({ generation: 9 });
    const client = await leashOwnerClient(own);
    const grant = await client.signSessionKeyGrant({
      sessionKey,
      tag: 'agent',
      permissions,
      chains: [{ chainId: foundry.id }, { chainId: 8453, client: base.client }, { chainId: 10, permissions: [] }, { chainId: 42161, generation: 5 }],
      validUntil: 1_900_000_000,
    });
    expect(grant.chains.map((c) => [c.chainId, c.generation])).toEqual([[foundry.id, 3], [8453, 9], [10, 0], [42161, 5]]);
    expect(grant.account).toBe(client.account.address);
    expect(grant.sessionKeyModule).toBe(addresses.sessionKeyModule);
    expect(grant.tag).toBe(stringToHex('agent', { size: 32 }));
    expect(grant.nonce).toBeGreaterThanOrEqual(0n);
    expect(grant.nonce).toBeLessThan(2n ** 64n);
    expect(size(grant.ownerSignature)).toBe(65);
    expect(await recoverTypedDataAddress({ ...toSessionKeyGrantTypedData(grant), signature: grant.ownerSignature } as never)).toBe(owner.address);
    // The anchor comes after the time range and before the limits: grant order, not the builder's.
    expect(grant.chains[0]!.permissions.map((u) => decodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, data: u }).functionName)).toEqual([
      'updateAccessListAddressEntry',
      'setRefreshAnchor',
      'setErc20SpendLimit',
      'setGasSpendLimit',
    ]);
    const other = await client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: 10 }] });
    expect(other.nonce).not.toBe(grant.nonce); // random 64-bit nonces
  });

  it('picks the smallest nonce unused on every chain with a client when asked', async () => {
    const own = fakeChain({ generation: 0, usedNonces: [0n, 1n] });
    const base = fakeChain({ generation: 0, usedNonces: [2n] });
    const client = await leashOwnerClient(own);
    const grant = await client.signSessionKeyGrant({ sessionKey, permissions, nonce: 'small', chains: [{ chainId: foundry.id }, { chainId: 8453, client: base.client }] });
    expect(grant.nonce).toBe(3n);
  });

  it('signs as validator ‖ signature on an ERC-7579 account whose owner is a validator module', async () => {
    const chain = fakeChain({ generation: 0 });
    const validator = '0x7777777777777777777777777777777777777777';
    const address = '0x8888888888888888888888888888888888888888';
    const account = await toErc7579SmartAccount({ client: chain.client, address, owner: { validator, signer: owner }, addresses });
    const client = createBundlerClient({ account, client: chain.client, transport: custom({ request: async () => null }) }).extend(sessionKeyActions());
    const grant = await client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: 1, generation: 0 }, { chainId: 2, generation: 0 }] });
    expect(size(grant.ownerSignature)).toBe(85);
    expect(slice(grant.ownerSignature, 0, 20)).toBe(validator);
    expect(await recoverTypedDataAddress({ ...toSessionKeyGrantTypedData(grant), signature: slice(grant.ownerSignature, 20) } as never)).toBe(owner.address);
  });

  it('refuses several chains when the account\'s signature binds the chain, non-grantable updates, and a client without owner', async () => {
    const client = await leashOwnerClient();
    const bound = Object.assign(Object.create(Object.getPrototypeOf(client)), client, {
      account: { ...client.account, sessionKeys: { ...client.account.sessionKeys, ownerSignatureBindsChain: true } },
    });
    await expect(signSessionKeyGrant(bound, { sessionKey, permissions, chains: [{ chainId: 1, generation: 0 }, { chainId: 2, generation: 0 }] })).rejects.toThrow(
      MultiChainGrantNotSupportedError,
    );
    const removeCallLimit = encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeCallLimit' });
    await expect(client.signSessionKeyGrant({ sessionKey, permissions: [removeCallLimit], chains: [{ chainId: 1, generation: 0 }] })).rejects.toThrow(
      PermissionNotGrantableError,
    );
    await expect(client.signSessionKeyGrant({ sessionKey, permissions, chains: [] })).rejects.toThrow(InvalidSessionKeyGrantError);
    const chain = fakeChain({ generation: 0 });
    const keyOnly = await toLeashSmartAccount({ client: chain.client, address: client.account.address, signer: { getAddress: async () => sessionKey, signDigest: async () => '0x' } });
    const keyClient = createBundlerClient({ account: keyOnly, client: chain.client, transport: custom({ request: async () => null }) }).extend(sessionKeyActions());
    await expect(keyClient.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: 1, generation: 0 }] })).rejects.toThrow(/owner/);
  });
});

async function sampleGrant(): Promise<SessionKeyGrant> {
  const client = await leashOwnerClient();
  return client.signSessionKeyGrant({
    sessionKey,
    permissions,
    nonce: 2n ** 64n - 1n,
    chains: [{ chainId: foundry.id, generation: 1 }, { chainId: 8453, generation: 0, permissions: [] }],
  });
}

describe('grant JSON', () => {
  it('round-trips, bigints exact', async () => {
    const grant = await sampleGrant();
    const json = serializeSessionKeyGrant(grant);
    expect(JSON.parse(json).nonce).toBe('18446744073709551615');
    expect(parseSessionKeyGrant(json)).toEqual(grant);
    expect(parseSessionKeyGrant(JSON.parse(json))).toEqual(grant);
    expect(serializeSessionKeyGrant(parseSessionKeyGrant(json))).toBe(json);
  });

  it('refuses every malformed field with InvalidSessionKeyGrantError naming it', async () => {
    const base = JSON.parse(serializeSessionKeyGrant(await sampleGrant()));
    const cases: [string, (g: any) => void][] = [
      ['', (g) => Object.assign(g, { extra: 1 })],
      ['type', (g) => (g.type = 'something')],
      ['version', (g) => (g.version = 2)],
      ['account', (g) => (g.account = '0x1234')],
      ['sessionKey', (g) => (g.sessionKey = sessionKey.replace('33', '3G'))],
      ['sessionKeyModule', (g) => (g.sessionKeyModule = 7)],
      ['keyType', (g) => (g.keyType = 256)],
      ['tag', (g) => (g.tag = '0x01')],
      ['nonce', (g) => (g.nonce = 5)],
      ['nonce', (g) => (g.nonce = '18446744073709551616')],
      ['nonce', (g) => (g.nonce = '-1')],
      ['validUntil', (g) => (g.validUntil = 1.5)],
      ['chains', (g) => (g.chains = [])],
      ['chains[1].chainId', (g) => (g.chains[1].chainId = g.chains[0].chainId)],
      ['chains[0].generation', (g) => (g.chains[0].generation = 2 ** 32)],
      ['chains[0].permissions', (g) => g.chains[0].permissions.reverse()],
      ['chains[0].permissions', (g) => g.chains[0].permissions.push(encodeFunctionData({ abi: sessionKeyPermissionUpdatesAbi, functionName: 'removeCallLimit' }))],
      ['chains[0].permissions[0]', (g) => (g.chains[0].permissions[0] = 'hello')],
      ['chains[0].other', (g) => (g.chains[0].other = true)],
      ['ownerSignature', (g) => (g.ownerSignature = '0x')],
    ];
    for (const [field, change] of cases) {
      const copy = structuredClone(base);
      change(copy);
      try {
        parseSessionKeyGrant(JSON.stringify(copy));
        expect.unreachable(`accepted a bad ${field}`);
      } catch (error) {
        expect(error, field).toBeInstanceOf(InvalidSessionKeyGrantError);
        if (field) expect((error as InvalidSessionKeyGrantError).field, field).toBe(field);
      }
    }
    expect(() => parseSessionKeyGrant('{')).toThrow(InvalidSessionKeyGrantError);
  });
});

describe('the grant form of a key\'s first op signature', () => {
  it('is statedTime ‖ ECDSA ‖ enableGrantedKey arguments, with this chain\'s updates and the other chains\' hashes', async () => {
    const grant = await sampleGrant();
    const ecdsa = `0x${'ab'.repeat(65)}` as Hex;
    const signature = encodeGrantSessionSignature({ statedTime: 1_900_000_123, signature: ecdsa, grant, chainId: 8453 });
    expect(size(signature)).toBeGreaterThan(89);
    expect(slice(signature, 0, 4)).toBe(`0x${(1_900_000_123).toString(16).padStart(8, '0')}`);
    expect(slice(signature, 4, 69)).toBe(ecdsa);
    const decoded = decodeAbiParameters(
      parseAbiParameters(
        'uint256 statedTime, address account, address sessionKey, uint8 keyType, bytes32 tag, uint64 nonce, uint48 validUntil, uint256 chainId, uint32 generation, uint256 chainIndex, bytes ownerSignature, bytes32[] chainHashes, bytes[] updates',
      ),
      slice(signature, 69),
    );
    expect(decoded).toEqual([
      1_900_000_123n,
      grant.account,
      grant.sessionKey,
      0,
      grant.tag,
      grant.nonce,
      0,
      8453n,
      0,
      1n,
      grant.ownerSignature,
      [hashChainGrant(grant.chains[0]!), zeroHash],
      [],
    ]);
    expect(() => encodeGrantSessionSignature({ statedTime: 1, signature: ecdsa, grant, chainId: 10 })).toThrow(GrantForAnotherChainError);
  });
});

describe('grant refusals', () => {
  it('decode into typed errors naming the reason', () => {
    const abi = sessionKeyModuleAbi;
    const used = decodeSessionKeyModuleError(encodeErrorResult({ abi, errorName: 'GrantAlreadyUsed', args: [7n] }));
    expect(used).toBeInstanceOf(GrantAlreadyUsedError);
    expect((used as GrantAlreadyUsedError).nonce).toBe(7n);
    expect((used as SessionKeyGrantRefusedError).rule).toBe('grant');
    expect(decodeSessionKeyModuleError(encodeErrorResult({ abi, errorName: 'InvalidGrantSignature' }))).toBeInstanceOf(InvalidGrantSignatureError);
    const revoked = decodeSessionKeyModuleError(encodeErrorResult({ abi, errorName: 'GrantRevoked', args: [0n, 1n] })) as GrantRevokedError;
    expect(revoked.reason).toBe('revoked');
    expect([revoked.grantGeneration, revoked.generation]).toEqual([0n, 1n]);
  });
});
