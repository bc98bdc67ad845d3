// Leash on an EOA with EIP-7702: the EOA delegates to Leash's ERC-7579 implementation, installs the session key module,
// and a session key sends one token within a daily limit, from the EOA's own address.
//
//   npm run example:7702
//
// Starts a local stack (anvil with the Prague hardfork + EntryPoint v0.8 + the Leash contracts + Alto in safe mode) and
// stops it at the end. With LEASH_RPC_URL, LEASH_BUNDLER_URL and LEASH_PRIVATE_KEY set it runs on that chain instead.
import { type Address, createPublicClient, createWalletClient, encodeFunctionData, erc20Abi, http, parseEther, parseUnits } from 'viem';
import { createBundlerClient, entryPoint08Abi } from 'viem/account-abstraction';
import {
  DAY,
  Erc20SpendLimitExceededError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  detectAccountKind,
  entryPointAddress,
  estimateUserOperationFees,
  getLeashAddresses,
  sessionKeyActions,
  toLeash7702SmartAccount,
} from '@leash/sdk';
import { formatToken, runExample, say, step } from './network.js';

const alice: Address = '0x00000000000000000000000000000000000A11cE';

await runExample('Leash: session keys on an EIP-7702 EOA', async (network) => {
  const { chain, token } = network;
  const publicClient = createPublicClient({ chain, transport: http(network.rpcUrl) });
  const addresses = getLeashAddresses();
  const units = (amount: string) => parseUnits(amount, token.decimals);
  const clientOf = (account: Awaited<ReturnType<typeof toLeash7702SmartAccount>>) =>
    createBundlerClient({
      account,
      client: publicClient,
      transport: http(network.bundlerUrl),
      userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
    }).extend(sessionKeyActions());

  step(1, 'An EOA becomes an ERC-7579 account');
  const eoa = network.owner;
  await network.topUp(eoa.address, { ether: parseEther('0.2'), tokens: units('100') });
  // One call: delegates the EOA with EIP-7702 when it is not yet (a type-4 transaction the EOA sends itself).
  const owner = clientOf(await toLeash7702SmartAccount({ client: publicClient, owner: eoa, addresses }));
  const { kind, delegation } = await detectAccountKind(publicClient, eoa.address);
  say(`EOA ${eoa.address} is now an ERC-7579 account (${kind.name}) delegating to ${delegation}`);
  // The account pays its ops from an EntryPoint deposit (a plain transaction from the EOA).
  const { request } = await publicClient.simulateContract({
    account: eoa,
    address: entryPointAddress,
    abi: entryPoint08Abi,
    functionName: 'depositTo',
    args: [eoa.address],
    value: parseEther('0.05'),
  });
  const wallet = createWalletClient({ account: eoa, chain, transport: http(network.rpcUrl) });
  await publicClient.waitForTransactionReceipt({ hash: await wallet.writeContract(request) });
  say('Deposited 0.05 ETH in the EntryPoint for gas');

  step(2, 'Install the session key module with a key that may send 25 dUSD a day');
  const sessionKeySigner = new SessionKeySigner();
  const sessionKey = await sessionKeySigner.getAddress();
  const permissions = new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token.address, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token.address, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token.address, spendLimit: units('25'), refreshInterval: DAY })
    .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY });
  if (await owner.isSessionKeyModuleInstalled()) {
    const { userOpHash } = await owner.addSessionKey({ key: sessionKey, tag: '7702', permissions: permissions.encode() });
    say(`Added the session key in user op ${userOpHash} (the module was installed)`);
  } else {
    const { userOpHash } = await owner.installSessionKeyModule({ keys: [sessionKey], tags: ['7702'], permissions: [permissions.encode()] });
    say(`Installed in user op ${userOpHash}, signed by the EOA's own key`);
  }

  step(3, `The session key sends ${formatToken(units('10'))} to Alice from the EOA`);
  const session = clientOf(await toLeash7702SmartAccount({ client: publicClient, address: eoa.address, signer: sessionKeySigner, addresses }));
  const transfer = (amount: bigint) => ({ to: token.address, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [alice, amount] }) });
  const before = await network.tokenBalance(alice);
  const { userOpHash } = await session.executeWithSessionKey({ calls: [transfer(units('10'))] });
  say(`User op ${userOpHash}`);
  say(`Alice's balance: ${formatToken(before)} -> ${formatToken(await network.tokenBalance(alice))}`);

  step(4, `${formatToken(units('20'))} more is over today's limit`);
  try {
    await session.executeWithSessionKey({ calls: [transfer(units('20'))] });
    throw new Error('the module should have refused the transfer');
  } catch (error) {
    if (!(error instanceof Erc20SpendLimitExceededError)) throw error;
    say(`Refused: ${error.shortMessage}`);
  }
});
