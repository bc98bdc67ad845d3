import { type Hex, encodeAbiParameters, encodeFunctionData, parseEther, parseUnits, stringToHex } from 'viem';
import {
  DAY,
  SessionKeyPermissionsBuilder,
  WEEK,
  devTokenAbi,
  encodeExecute,
  leashAccountAbi,
  moduleTypeValidator,
} from '@leash/sdk';
import { type DeployedContext, genesisTime, withBenchChain } from './benchChain.js';
import type { OpMeasurement } from './handleOps.js';
import { erc20Transfer, management, newLeashAccount } from './leashDriver.js';
import { fullPermissions, nativePermissions } from './permissionSets.js';

/** One measured scenario: what was done, under which state (S0 / S1 as DESIGN.md defines them), and its gas. */
export type ScenarioResult = { id: string; title: string; conditions: string } & OpMeasurement;

/**
 * Runs every gas scenario of DESIGN.md on a fresh anvil (pinned hardfork) with handleOps sent directly, one op per
 * transaction, and returns the measurements in a fixed order.
 */
export async function runGasScenarios(
  options: { onResult?: (r: ScenarioResult) => void; onDeployed?: (context: DeployedContext) => Promise<void> } = {},
): Promise<ScenarioResult[]> {
  return withBenchChain('leash-bench-key', async (bench) => {
    const { addresses, token } = bench;
    await options.onDeployed?.(bench);
    const now = genesisTime;
    const results: ScenarioResult[] = [];
    const record = (id: string, title: string, conditions: string, m: OpMeasurement) => {
      const r = { id, title, conditions, ...m };
      results.push(r);
      options.onResult?.(r);
    };
    const fresh = bench.freshKey;
    const transferTo = (to: Hex, amount: bigint) => erc20Transfer(token, to, amount);

    // ---- owner baseline, S1: warm lane, recipient already holds the token
    const a = await newLeashAccount(bench);
    const holder = fresh().address;
    await a.asOwner(transferTo(holder, 1n));
    record('owner-erc20-s1', 'Owner-signed ERC-20 transfer (S1)', 'S1: deposit funded, owner lane used before, recipient holds the token', await a.asOwner(transferTo(holder, 1_000_000n)));

    // ---- module install with one key (full set), on a second account
    const b = await newLeashAccount(bench);
    const initData = encodeAbiParameters(
      [{ type: 'address[]' }, { type: 'bytes32[]' }, { type: 'bytes[][]' }],
      [[fresh().address], [stringToHex('bench', { size: 32 })], [fullPermissions(token, now).encode()]],
    );
    record(
      'install-module-one-key',
      'Install the module with one key (full permission set)',
      'deployed account with a deposit, module not installed',
      await b.asOwner(
        encodeExecute([
          {
            to: b.account,
            data: encodeFunctionData({ abi: leashAccountAbi, functionName: 'installModule', args: [moduleTypeValidator, addresses.sessionKeyModule, initData] }),
          },
        ]),
        management,
      ),
    );

    // ---- add keys on account a
    await a.installModule();
    const key = fresh();
    record('add-key-full', 'Add a key with the full permission set (no tag)', 'module installed, new key', await a.addKey(key.address, fullPermissions(token, now).encode()));
    const tagged = fresh();
    record('add-key-full-tagged', 'Add a key with the full permission set and a tag', 'module installed, new key, nonzero tag', await a.asOwner(a.module('addSessionKey', [tagged.address, stringToHex('trading-bot', { size: 32 }), fullPermissions(token, now).encode()]), management));

    // ---- session ERC-20 transfer: S0 (new lane, counters 0, recipient without tokens), then S1
    record('session-erc20-s0', 'Session ERC-20 transfer, full permission set (S0)', 'S0: deposit funded, new nonce lane, counters 0, recipient balance 0', await a.asSession(key, 0n, transferTo(fresh().address, 1_000_000n), now));
    await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now);
    record('session-erc20-s1', 'Session ERC-20 transfer, full permission set (S1)', 'S1: lane used before, counters nonzero, recipient holds the token', await a.asSession(key, 0n, transferTo(holder, 1_000_000n), now));

    // ---- session native transfer under a value limit: S0 then S1. Lane 0 of the module's nonce space is shared by
    // every key of the account and the ERC-20 key used it above, so S0 takes lane 1: a nonce lane never used.
    const nativeLane = 1n;
    const payee = fresh().address;
    const nativeKey = fresh();
    await a.addKey(nativeKey.address, nativePermissions(payee, now).encode());
    const pay = encodeExecute([{ to: payee, value: parseEther('0.001') }]);
    record('session-native-s0', 'Session native transfer under a value limit (S0)', 'S0: new nonce lane, counters 0, payee without balance (a new account)', await a.asSession(nativeKey, nativeLane, pay, now));
    record('session-native-s1', 'Session native transfer under a value limit (S1)', 'S1: lane used before, counters nonzero, payee holds ether', await a.asSession(nativeKey, nativeLane, pay, now));

    // ---- session batch of two transfers (S1 conditions)
    const batch = encodeExecute([
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 1_000_000n] }) },
      { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [holder, 2_000_000n] }) },
    ]);
    record('session-batch-2', 'Session batch of two ERC-20 transfers (S1)', 'S1, both transfers to a holder', await a.asSession(key, 0n, batch, now));

    // ---- management
    const newLimits = new SessionKeyPermissionsBuilder()
      .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: parseUnits('500', 6), refreshInterval: WEEK })
      .setGasSpendLimit({ spendLimit: parseEther('0.5'), refreshInterval: DAY })
      .encode();
    record('update-key', 'Update a key (ERC-20 and gas limits)', 'existing key with spend state', await a.asOwner(a.module('updateKeyPermissions', [key.address, newLimits]), management));
    const rotated = fresh();
    record('rotate-key', 'Rotate a key', 'existing key with spend state, new key', await a.asOwner(a.module('rotateSessionKey', [key.address, rotated.address]), management));
    record('remove-key', 'Remove a key', 'existing key (the rotated one)', await a.asOwner(a.module('removeSessionKey', [rotated.address]), management));
    record('revoke-all', 'Revoke all keys', 'two keys left (O(1): a generation counter)', await a.asOwner(a.module('revokeAllSessionKeys', []), management));
    return results;
  });
}
