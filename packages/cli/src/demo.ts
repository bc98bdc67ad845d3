import { type Address, type Hex, encodeFunctionData, formatEther, formatUnits, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  DAY,
  Erc20SpendLimitExceededError,
  SessionKeyPermissionsBuilder,
  SessionKeySigner,
  createLeashAccountClient,
  devTokenAbi,
  getLeashAccountAddress,
  devTokenParameters,
  type LeashAccountClient,
  sessionKeyActions,
} from '@leash/sdk';
import type { LocalStack } from '@leash/sdk/local';
import type { DemoSessionKey } from '@leash/web/server';
import { heading, paint, printRows, withProgress } from './output.js';

const alice: Address = '0x00000000000000000000000000000000000A11cE';
const bob: Address = '0x0000000000000000000000000000000000000B0b';

/**
 * The session key the demo grants, made before the demo runs so that the web session manager can offer it on its
 * demo page: a new key, its label, and the demo's account (the stack's development owner's).
 */
export function createDemoSessionKey(stack: LocalStack): DemoSessionKey {
  const privateKey = generatePrivateKey();
  return {
    label: 'tipping-app',
    privateKey,
    address: privateKeyToAccount(privateKey).address,
    account: getLeashAccountAddress({ owner: privateKeyToAccount(stack.keys.devOwner).address }),
  };
}

/**
 * The `npm start` demo: a new account, deployed by its first user operation, sends a native transfer, then a batch
 * of a native and an ERC-20 transfer, all through the bundler. Then the owner grants a session key a daily dUSD
 * allowance, and the key pays without the owner, until the module refuses a payment over the allowance.
 */
export async function runDemo(stack: LocalStack, demoKey: DemoSessionKey = createDemoSessionKey(stack)): Promise<void> {
  const owner = privateKeyToAccount(stack.keys.devOwner);
  const client = await createLeashAccountClient({
    chain: stack.chain,
    transport: http(stack.rpcUrl),
    bundlerTransport: http(stack.bundlerUrl),
    owner,
  });
  const account = client.account.address;
  if (account !== demoKey.account) throw new Error(`The demo's account is ${account}, not ${demoKey.account} as its session key says.`);
  const token = stack.contracts.devToken;
  const units = (amount: string) => parseUnits(amount, devTokenParameters.decimals);

  heading('Demo: an ERC-7579 account, driven by user operations');
  printRows([
    ['Owner (dev key)', owner.address],
    ['Account', `${account} ${paint('dim', '(counterfactual: not deployed yet)')}`],
  ]);
  await withProgress('Funding the account: 1 ETH and 1,000 dUSD from the faucet', () =>
    stack.fund(account, { ether: parseEther('1'), devTokens: units('1000') }),
  );

  await sendAndReport(client, '1. Native transfer of 0.01 ETH to Alice (this op also deploys the account)', [
    { to: alice, value: parseEther('0.01') },
  ]);
  await sendAndReport(client, '2. Batch: 0.02 ETH to Bob and 25 dUSD to Alice, in one op', [
    { to: bob, value: parseEther('0.02') },
    { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [alice, units('25')] }) },
  ]);

  await sessionKeyDemo(stack, client, token, demoKey);

  const [aliceEth, bobEth, aliceTokens] = await Promise.all([
    client.client.getBalance({ address: alice }),
    client.client.getBalance({ address: bob }),
    client.client.readContract({ address: token, abi: devTokenAbi, functionName: 'balanceOf', args: [alice] }),
  ]);
  heading('Balances after the demo');
  printRows([
    ['Alice', `${formatEther(aliceEth)} ETH, ${formatUnits(aliceTokens, devTokenParameters.decimals)} dUSD`],
    ['Bob', `${formatEther(bobEth)} ETH`],
  ]);
}

async function sendAndReport(
  client: LeashAccountClient,
  title: string,
  calls: { to: Address; value?: bigint; data?: Hex }[],
): Promise<void> {
  heading(title);
  const receipt = await withProgress('Sending the user operation through the bundler', async () => {
    const hash = await client.sendUserOperation({ calls });
    return client.waitForUserOperationReceipt({ hash });
  });
  if (!receipt.success) throw new Error(`User operation ${receipt.userOpHash} reverted.`);
  printRows([
    ['User op hash', receipt.userOpHash],
    ['Transaction', receipt.receipt.transactionHash],
    ['Gas used (tx)', receipt.receipt.gasUsed.toLocaleString('en-US')],
    ['Gas paid by the account', `${receipt.actualGasUsed.toLocaleString('en-US')} ${paint('dim', `(${formatEther(receipt.actualGasCost)} ETH)`)}`],
  ]);
}

/** Parts 3 to 5: a session key with a daily dUSD allowance pays Alice with no owner signature, and is refused beyond it. */
async function sessionKeyDemo(stack: LocalStack, ownerClient: LeashAccountClient, token: Address, demoKey: DemoSessionKey): Promise<void> {
  const units = (amount: string) => parseUnits(amount, devTokenParameters.decimals);
  const dUsd = (amount: bigint) => `${formatUnits(amount, devTokenParameters.decimals)} dUSD`;
  const owner = ownerClient.extend(sessionKeyActions());
  // In memory: an app's key, which never sees the owner's (the web session manager's demo page gets it too).
  const signer = new SessionKeySigner({ privateKey: demoKey.privateKey });
  const key = await signer.getAddress();
  const permissions = new SessionKeyPermissionsBuilder()
    .addContractAddressAccessEntry({ contractAddress: token, isOnList: true, checkSelectors: true })
    .addContractFunctionAccessEntry({ contractAddress: token, methodSelector: 'transfer(address,uint256)', isOnList: true })
    .addErc20TokenSpendLimit({ tokenAddress: token, spendLimit: units('50'), refreshInterval: DAY })
    .setGasSpendLimit({ spendLimit: parseEther('0.01'), refreshInterval: DAY });

  heading('3. The owner installs the session key module with a key for a tipping app');
  printRows([
    ['Session key', `${key} (${demoKey.label})`],
    ['May call', 'dUSD transfer(address,uint256), nothing else'],
    ['Allowance', '50 dUSD per day, 0.01 ETH of gas per day'],
  ]);
  const installed = await withProgress('Sending the owner\'s user operation through the bundler', () =>
    owner.installSessionKeyModule({ keys: [key], tags: [demoKey.label], permissions: [permissions.encode()] }),
  );
  printRows([['User op hash', installed.userOpHash], ['Gas used (tx)', installed.receipt.receipt.gasUsed.toLocaleString('en-US')]]);

  const session = (
    await createLeashAccountClient({
      chain: stack.chain,
      transport: http(stack.rpcUrl),
      bundlerTransport: http(stack.bundlerUrl),
      signer,
      accountAddress: ownerClient.account.address,
    })
  ).extend(sessionKeyActions());
  const tip = (amount: string) => [
    { to: token, data: encodeFunctionData({ abi: devTokenAbi, functionName: 'transfer', args: [alice, units(amount)] }) },
  ];

  heading('4. The session key tips Alice 10 dUSD: no owner signature, checked on-chain by the module');
  const paid = await withProgress('Sending the session key\'s user operation', () => session.executeWithSessionKey({ calls: tip('10') }));
  printRows([['User op hash', paid.userOpHash], ['Gas used (tx)', paid.receipt.receipt.gasUsed.toLocaleString('en-US')]]);

  heading('5. The session key tries to tip 45 dUSD: over what is left today');
  try {
    await session.executeWithSessionKey({ calls: tip('45') });
    throw new Error('The module accepted a payment over the allowance.');
  } catch (error) {
    if (!(error instanceof Erc20SpendLimitExceededError)) throw error;
    printRows([
      ['Refused by', `${error.rule} (${error.shortMessage})`],
      ['Numbers', `limit ${dUsd(error.limit)}, used ${dUsd(error.used)}, attempted ${dUsd(error.attempted)}`],
    ]);
  }
  const state = await owner.getSessionKeyPermissions({ key });
  const budget = state.spending.erc20[0]!.status;
  printRows([
    ['Left today', `${dUsd(budget.remaining)} of ${dUsd(budget.limit)}, again in full at ${new Date(budget.nextRefresh! * 1000).toISOString()}`],
  ]);
}
