// A backend agent with a weekly allowance: the agent generates its own session key and shares only its address; the
// owner grants that address 100 dUSD a week, to one supplier only; the agent pays 30 dUSD invoices until the allowance
// refuses one.
//
//   npm run example:agent
//
// Starts a local stack and stops it at the end (or runs on LEASH_RPC_URL + LEASH_BUNDLER_URL with LEASH_PRIVATE_KEY).
// The agent's keystore is LEASH_AGENT_KEYSTORE (default .leash/agent-key.json), encrypted with LEASH_AGENT_PASSWORD.
import { erc20Abi, http, parseEther, parseUnits } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import {
  DAY,
  Erc20SpendLimitExceededError,
  SessionKeyPermissionsBuilder,
  WEEK,
  createLeashAccountClient,
  describePermissions,
  oneOf,
  sessionKeyActions,
} from '@leash/sdk';
import { startPaymentAgent } from './agent.js';
import { formatToken, runExample, say, step } from './network.js';

const keystorePath = process.env.LEASH_AGENT_KEYSTORE || '.leash/agent-key.json';
const password = process.env.LEASH_AGENT_PASSWORD || 'example password: set LEASH_AGENT_PASSWORD';

await runExample('Leash: a backend agent with a weekly allowance', async (network) => {
  const { chain, token } = network;
  const units = (amount: string) => parseUnits(amount, token.decimals);
  const invoice = units('30');
  const supplier = privateKeyToAccount(generatePrivateKey()).address; // whoever the invoices are from

  step(1, 'The agent gets its session key');
  const agent = await startPaymentAgent({
    keystorePath,
    password,
    chain,
    rpcUrl: network.rpcUrl,
    bundlerUrl: network.bundlerUrl,
    onNewKey: () => say(`Generated a new key, saved encrypted (keystore v3) to ${keystorePath}`),
  });
  say(`Agent address ${agent.address}: the only thing the agent shares`);

  step(2, "The owner's account");
  const owner = (
    await createLeashAccountClient({
      chain,
      transport: http(network.rpcUrl),
      bundlerTransport: http(network.bundlerUrl),
      owner: network.owner,
    })
  ).extend(sessionKeyActions());
  const account = owner.account.address;
  await network.topUp(account, { ether: parseEther('0.05'), tokens: units('200') });
  say(`Account ${account}, funded with 0.05 ETH for gas and ${formatToken(units('200'))}`);
  if (!(await owner.isSessionKeyModuleInstalled())) {
    const { userOpHash } = await owner.installSessionKeyModule();
    say(`Installed the session key module (user op ${userOpHash})`);
  }

  step(3, 'The owner grants the agent a weekly allowance');
  const allowance = new SessionKeyPermissionsBuilder()
    // Only dUSD's transfer function, and only to the supplier (a call policy, typed from the ABI; it also puts the
    // function on the access list, which is an allowlist by default). No call may send ETH.
    .allowCall({ target: token.address, abi: erc20Abi, functionName: 'transfer', args: [oneOf([supplier])], maxValue: 0n })
    // 100 dUSD per week; the budget refreshes each week on a fixed schedule.
    .addErc20TokenSpendLimit({ tokenAddress: token.address, spendLimit: units('100'), refreshInterval: WEEK })
    // The account pays the agent's gas: cap it too.
    .setGasSpendLimit({ spendLimit: parseEther('0.02'), refreshInterval: WEEK })
    .setTimeRange({ validUntil: Math.floor(Date.now() / 1000) + 90 * DAY });
  for (const line of describePermissions(allowance.toPermissions(), { tokens: { [token.address]: token }, addressNames: { [supplier]: 'the supplier' } })) say(`- ${line}`);
  const { userOpHash } = await owner.addSessionKey({ key: agent.address, tag: 'invoice-agent', permissions: allowance.encode() });
  say(`Added the agent's key (user op ${userOpHash})`);

  step(4, `The agent pays ${formatToken(invoice)} invoices until the allowance refuses one`);
  const maxInvoices = 10; // far more than 100 dUSD allows: reaching it would mean the limit did not hold
  for (let n = 1; ; n++) {
    if (n > maxInvoices) throw new Error(`The allowance accepted ${maxInvoices} invoices: more than it should.`);
    try {
      const payment = await agent.pay({ account, token: token.address, to: supplier, amount: invoice });
      say(`Invoice ${n}: paid ${formatToken(invoice)} (user op ${payment.userOpHash})`);
    } catch (error) {
      // The module refused the op in validation; the SDK turns that into a typed error with the numbers.
      if (!(error instanceof Erc20SpendLimitExceededError)) throw error;
      say(`Invoice ${n}: refused with ${error.name}: ${error.shortMessage}`);
      say(`  limit     ${formatToken(error.limit)} per week`);
      say(`  used      ${formatToken(error.used)}`);
      say(`  attempted ${formatToken(error.attempted)}`);
      say('Nothing reached the chain: the bundler refused the op in simulation.');
      break;
    }
  }
  say(`The supplier received ${formatToken(await network.tokenBalance(supplier))} in all`);

  step(5, 'What is left this week, read from the chain');
  const status = await agent.allowance({ account, token: token.address });
  const refresh = status.nextRefresh ? new Date(status.nextRefresh * 1000).toISOString() : 'never';
  say(`Remaining ${formatToken(status.remaining)} of ${formatToken(status.limit)} (used ${formatToken(status.used)}); refreshes at ${refresh}`);
});
