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
  numberToHex,
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
  smallGrantNonceLimit,
} from '@leash/sdk';
import { accountStateSlot } from '../../../src/grants/readGrantState.js';
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


/**
 * A chain whose module answers `extsload` of the account's state word (generation, small nonces used) and whose lens
 * answers getGrantNonce from `usedNonces`; counts the calls. `unreadable`: every call fails.
 */
function fakeChain(parameters: { generation: number; usedNonces?: bigint[]; unreadable?: boolean }) {
  const reads: bigint[] = [];
  const stateReads: Hex[] = [];
  const used = parameters.usedNonces ?? [];
  const client = createPublicClient({
    chain: foundry,
    transport: custom({
      async request({ method, params }) {
        if (method === 'eth_chainId') return '0x7a69';
        if (method !== 'eth_call') throw new Error(`unexpected ${method}`);
        if (parameters.unreadable) throw new Error('connection refused');
        const { to, data } = (params as [{ to: Hex; data: Hex }])[0];
        if (to.toLowerCase() === addresses.sessionKeyModule.toLowerCase()) {
          const { functionName, args } = decodeFunctionData({ abi: sessionKeyModuleAbi, data });
          if (functionName !== 'extsload') throw new Error(`unexpected ${functionName}`);
          stateReads.push(args[0] as Hex);
          const word = used.filter((n) => n < 160n).reduce((w, n) => w | (1n << (96n + n)), BigInt(parameters.generation));
          return encodeAbiParameters(parseAbiParameters('bytes32'), [numberToHex(word, { size: 32 })]);
        }
        const { functionName, args } = decodeFunctionData({ abi: sessionKeyLensAbi, data });
        if (functionName !== 'getGrantNonce') throw new Error(`unexpected ${functionName}`);
        const nonce = args[2] as bigint;
        reads.push(nonce);
        return encodeAbiParameters(parseAbiParameters('uint32, bool, bool'), [parameters.generation, used.includes(nonce), false]);
      },
    }, { retryCount: 0 }),
  });
  return { client, reads, stateReads };
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
    expect(other.nonce).not.toBe(grant.nonce); // random 64-bit nonces: chains 10 and 42161 have no client
  });

  it('picks the lowest small nonce unused on every chain by default, with one read per chain', async () => {
    const own = fakeChain({ generation: 0, usedNonces: [0n, 1n, 4n] });
    const base = fakeChain({ generation: 2, usedNonces: [2n] });
    const client = await leashOwnerClient(own);
    const grant = await client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: foundry.id }, { chainId: 8453, client: base.client }] });
    expect(grant.nonce).toBe(3n);
    expect(grant.chains.map((c) => c.generation)).toEqual([0, 2]); // from the same word
    expect(own.stateReads).toEqual([accountStateSlot(client.account.address)]);
    expect(base.stateReads).toHaveLength(1);
    expect([...own.reads, ...base.reads]).toEqual([]); // no lens calls
    expect(await client.signSessionKeyGrant({ sessionKey, permissions, nonce: 'small', chains: [{ chainId: foundry.id }] })).toMatchObject({ nonce: 2n });
    // Grants signed before and not used yet: their nonces are skipped.
    const next = await client.signSessionKeyGrant({ sessionKey, permissions, pendingNonces: [2n, 3n, 2n ** 40n], chains: [{ chainId: foundry.id }] });
    expect(next.nonce).toBe(5n);
  });

  it('falls back to a random nonce when a chain cannot be read or every small nonce is used', async () => {
    const client = await leashOwnerClient(fakeChain({ generation: 0 }));
    // No client for chain 10: its used nonces are unknown.
    const unreadChain = await client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: foundry.id }, { chainId: 10 }] });
    expect(unreadChain.nonce).toBeGreaterThanOrEqual(smallGrantNonceLimit);
    await expect(client.signSessionKeyGrant({ sessionKey, permissions, nonce: 'small', chains: [{ chainId: foundry.id }, { chainId: 10 }] })).rejects.toThrow(
      'Cannot pick a small grant nonce: chain 10 cannot be read.',
    );
    // A read that fails: random, when the chain's generation is given.
    const down = fakeChain({ generation: 0, unreadable: true });
    const failed = await client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: foundry.id }, { chainId: 8453, client: down.client, generation: 1 }] });
    expect(failed.nonce).toBeGreaterThanOrEqual(smallGrantNonceLimit);
    expect(failed.chains[1]!.generation).toBe(1);
    // ... and an error naming the chain when its generation is needed.
    await expect(client.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: 8453, client: down.client }] })).rejects.toThrow(
      "Cannot read the account's key generation on chain 8453.",
    );
    // Every small nonce used on one chain.
    const full = await leashOwnerClient(fakeChain({ generation: 0, usedNonces: Array.from({ length: 160 }, (_, i) => BigInt(i)) }));
    expect((await full.signSessionKeyGrant({ sessionKey, permissions, chains: [{ chainId: foundry.id }] })).nonce).toBeGreaterThanOrEqual(smallGrantNonceLimit);
    await expect(full.signSessionKeyGrant({ sessionKey, permissions, nonce: 'small', chains: [{ chainId: foundry.id }] })).rejects.toThrow('Every grant nonce below 160');
    // 'random' always draws one.
    expect((await client.signSessionKeyGrant({ sessionKey, permissions, nonce: 'random', chains: [{ chainId: foundry.id }] })).nonce).toBeGreaterThanOrEqual(
      smallGrantNonceLimit,
    );
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
