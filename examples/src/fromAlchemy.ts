// Migrating from Alchemy's Session Key Plugin v1: the plugin's getting-started flow on Leash, through
// `@leash/sdk/alchemy`. Between the "unchanged" markers the code is the plugin's, as its docs write it; only the
// imports and the two client creations differ. docs/migrating-from-alchemy.md maps every name and behaviour.
//
//   npm run example:from-alchemy
//
// Starts a local stack and stops it at the end (or uses LEASH_RPC_URL, LEASH_BUNDLER_URL and LEASH_PRIVATE_KEY).
import { type Address, createPublicClient, http, keccak256, parseEther, zeroHash } from 'viem';
import { SessionKeySigner, createLeashAccountClient } from '@leash/sdk';
import { SessionKeyAccessListType, SessionKeyPermissionsBuilder, SessionKeyPlugin, sessionKeyPluginActions } from '@leash/sdk/alchemy';
import { runExample, say, step } from './network.js';

await runExample('Leash: the Alchemy Session Key Plugin flow, migrated', async (network) => {
  const { chain } = network;
  const transport = http(network.rpcUrl);
  const bundlerTransport = http(network.bundlerUrl);
  const publicClient = createPublicClient({ chain, transport });
  const sessionKeySigner = new SessionKeySigner();

  step(1, "The owner's client (changed: createLeashAccountClient instead of createModularAccountAlchemyClient)");
  const client = (await createLeashAccountClient({ chain, transport, bundlerTransport, owner: network.owner })).extend(sessionKeyPluginActions);
  await network.topUp(client.account.address, { ether: parseEther('0.05'), tokens: 0n });
  say(`Account ${client.account.address}, funded with 0.05 ETH`);

  step(2, "The plugin's install flow (unchanged)");
  // --- unchanged
  const isPluginInstalled = await client.getInstalledPlugins({}).then((x) => x.includes(SessionKeyPlugin.meta.addresses[chain.id]!));
  const initialPermissions = new SessionKeyPermissionsBuilder()
    .setNativeTokenSpendLimit({ spendLimit: 1000000n })
    .setContractAccessControlType(SessionKeyAccessListType.ALLOW_ALL_ACCESS)
    .setTimeRange({ validFrom: Math.round(Date.now() / 1000), validUntil: Math.round(Date.now() / 1000 + 60 * 60) });
  if (!isPluginInstalled) {
    const { hash } = await client.installSessionKeyPlugin({ args: [[await sessionKeySigner.getAddress()], [zeroHash], [initialPermissions.encode()]] });
    await client.waitForUserOperationTransaction({ hash });
  }
  // --- end unchanged
  say(`Plugin installed before: ${isPluginInstalled}; session key ${await sessionKeySigner.getAddress()} added`);

  step(3, 'The session client (changed: createLeashAccountClient with the session key and the account address)');
  const sessionKeyClient = (
    await createLeashAccountClient({ chain, transport, bundlerTransport, signer: sessionKeySigner, accountAddress: client.account.address })
  ).extend(sessionKeyPluginActions);

  step(4, 'Executing with the session key, then managing keys (unchanged)');
  const recipient: Address = '0x0000000000000000000000000000000000001234';
  const before = await publicClient.getBalance({ address: recipient });
  // --- unchanged
  const result = await sessionKeyClient.executeWithSessionKey({ args: [[{ target: recipient, value: 1n, data: '0x' }], await sessionKeySigner.getAddress()] });
  // --- end unchanged
  say(`Executed in user op ${result.hash}; the recipient got ${(await publicClient.getBalance({ address: recipient })) - before} wei`);

  const key = await new SessionKeySigner().getAddress();
  const newKey = await new SessionKeySigner().getAddress();
  // --- unchanged
  await client.addSessionKey({ key, tag: keccak256(new TextEncoder().encode('session-key-tag')), permissions: new SessionKeyPermissionsBuilder().encode() });
  const permissions = new SessionKeyPermissionsBuilder().setNativeTokenSpendLimit({ spendLimit: 500n });
  await client.updateKeyPermissions({ args: [key, permissions.encode()] });
  await client.rotateSessionKey({ oldKey: key, newKey });
  const keys = await client.getAccountSessionKeys();
  const isKey = await client.isAccountSessionKey({ key: newKey });
  await client.removeSessionKey({ key: newKey });
  // --- end unchanged
  say(`Keys after add and rotate: ${keys.length} (${keys.join(', ')}); the rotated key is a session key: ${isKey}`);
  say(`After remove: ${(await client.getAccountSessionKeys()).length} key(s); ${newKey} is a session key: ${await client.isAccountSessionKey({ key: newKey })}`);
});
