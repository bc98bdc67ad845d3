// Getting started with Leash: give an app a session key that may only send one token, up to 50 a day, and use it.
//
//   npm run example:getting-started
//
// Starts a local stack (anvil + EntryPoint v0.8 + the Leash contracts + the Alto bundler in safe mode) and stops it at
// the end. With LEASH_RPC_URL, LEASH_BUNDLER_URL and LEASH_PRIVATE_KEY set it runs on that chain instead.
import { type Address, encodeFunctionData, erc20Abi, http, parseEther, parseUnits } from 'viem';
import {
  DAY,
  SessionKeyAccessListType,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  createLeashAccountClient,
  describePermissions,
  sessionKeyActions,
} from '@leash/sdk';
import { formatToken, runExample, say, step } from './network.js';

const alice: Address = '0x00000000000000000000000000000000000A11cE';

await runExample('Leash: getting started with session keys', async (network) => {
  const { chain, token } = network;
  const transport = http(network.rpcUrl);
  const bundlerTransport = http(network.bundlerUrl);
  const units = (amount: string) => parseUnits(amount, token.decimals);

  step(1, "The owner's smart account");
  // A viem bundler client for the owner's ERC-7579 account, with the session key actions added.
  const client = (await createLeashAccountClient({ chain, transport, bundlerTransport, owner: network.owner })).extend(
    sessionKeyActions(),
  );
  const account = client.account.address;
  say(`Owner   ${network.owner.address}`);
  say(`Account ${account} (its address is known before it is deployed)`);
  await network.topUp(account, { ether: parseEther('0.05'), tokens: units('100') });
  say(`Funded: 0.05 ETH for gas and ${formatToken(units('100'))}`);

  step(2, 'A session key, generated here and kept in memory');
  // The private key never leaves the signer; only its address is shared.
  const sessionKeySigner = new SessionKeySigner();
  const sessionKey = await sessionKeySigner.getAddress();
  say(`Session key ${sessionKey}`);

  step(3, 'What the session key may do');
  const permissions = new SessionKeyPermissionsBuilder()
    .setContractAccessControlType(SessionKeyAccessListType.ALLOWLIST)
    .addContractAddressAccessEntry({ contractAddress: token.address, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token.address, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token.address, spendLimit: units('50'), refreshInterval: DAY })
    .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY })
    .setTimeRange({ validUntil: Math.floor(Date.now() / 1000) + DAY }); // seconds, not milliseconds
  for (const line of describePermissions(permissions.toPermissions(), { tokens: { [token.address]: token } })) say(`- ${line}`);

  step(4, 'Install the session key module with this key (or add the key where it is installed)');
  if (!(await client.isSessionKeyModuleInstalled())) {
    say('The module is not installed: installing it with the session key as its first key.');
    // One owner-signed user op; as the account's first op it also deploys the account.
    const { userOpHash } = await client.installSessionKeyModule({
      keys: [sessionKey],
      tags: ['getting-started'],
      permissions: [permissions.encode()],
    });
    say(`Installed in user op ${userOpHash}`);
  } else {
    say('The module is already installed: adding the session key.');
    const { userOpHash } = await client.addSessionKey({ key: sessionKey, tag: 'getting-started', permissions: permissions.encode() });
    say(`Added in user op ${userOpHash}`);
  }

  step(5, 'A client that signs with the session key');
  // It needs only the account's address and the session key: the owner is not involved any more.
  const sessionClient = (
    await createLeashAccountClient({ chain, transport, bundlerTransport, signer: sessionKeySigner, accountAddress: account })
  ).extend(sessionKeyActions());
  say(`Session client for account ${sessionClient.account.address}`);

  step(6, `The session key sends ${formatToken(units('10'))} to Alice`);
  const before = await network.tokenBalance(alice);
  // Signed by the session key, checked on-chain by the module against the permissions above, sent through the bundler.
  const { userOpHash, receipt } = await sessionClient.executeWithSessionKey({
    calls: [{ to: token.address, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [alice, units('10')] }) }],
  });
  const after = await network.tokenBalance(alice);
  say(`User op    ${userOpHash}`);
  say(`Included in transaction ${receipt.receipt.transactionHash}`);
  say(`Alice's balance: ${formatToken(before)} -> ${formatToken(after)}`);

  step(7, "The session key's budget, read back from the chain");
  const state = await client.getSessionKeyPermissions({ key: sessionKey });
  const { status } = state.spending.erc20[0]!;
  const refresh = status.nextRefresh ? new Date(status.nextRefresh * 1000).toISOString() : 'never';
  say(`Spent ${formatToken(status.used)} of ${formatToken(status.limit)} this day; ${formatToken(status.remaining)} left until ${refresh}, a day after the key was added`);
});
