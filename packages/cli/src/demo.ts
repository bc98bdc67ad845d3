import { type Address, type Hex, encodeFunctionData, formatEther, formatUnits, http, parseEther, parseUnits } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createLeashAccountClient, devTokenAbi, devTokenParameters, type LeashAccountClient } from '@leash/sdk';
import type { LocalStack } from '@leash/sdk/local';
import { heading, paint, printRows, withProgress } from './output.js';

const alice: Address = '0x00000000000000000000000000000000000A11cE';
const bob: Address = '0x0000000000000000000000000000000000000B0b';

/**
 * The `npm start` demo: a new account, deployed by its first user operation, sends a native transfer, then a batch
 * of a native and an ERC-20 transfer, all through the bundler.
 */
export async function runDemo(stack: LocalStack): Promise<void> {
  const owner = privateKeyToAccount(stack.keys.devOwner);
  const client = await createLeashAccountClient({
    chain: stack.chain,
    transport: http(stack.rpcUrl),
    bundlerTransport: http(stack.bundlerUrl),
    owner,
  });
  const account = client.account.address;
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
