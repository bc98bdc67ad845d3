import { type Address, type Hex, createPublicClient, createWalletClient, encodeFunctionData, erc20Abi, http, parseEther, parseUnits } from 'viem';
import { createBundlerClient, entryPoint08Abi } from 'viem/account-abstraction';
import { privateKeyToAccount } from 'viem/accounts';
import {
  type SessionKeySignerLike,
  SessionKeySigner,
  createLeashAccountClient,
  entryPointAddress,
  estimateUserOperationFees,
  nowInSeconds,
  sessionKeyActions,
  toLeash7702SmartAccount,
} from '@leash/sdk';
import { startLocalStack } from '@leash/sdk/local';
import { deployExistingAccountInfrastructure, newExistingAccount } from '../../packages/sdk/test/e2e/accounts/existingAccounts.js';
import { fullPermissions } from './permissionSets.js';

/** The session ERC-20 transfer at S1 on one kind of account. */
export type AccountGasRow = {
  account: string;
  entryPoint: '0.7' | '0.8';
  /** Receipt gasUsed of the bundle transaction carrying the op alone. */
  gasUsed: number;
  /** actualGasUsed from the UserOperationEvent. */
  actualGasUsed: number;
  transactionHash: Hex;
};

export const accountGasConditions =
  'A session key with the full permission set sends 1 dUSD to a recipient that already holds it, S1: the EntryPoint ' +
  'deposit funded, the nonce lane used before, the spent counters nonzero. Sent through Alto in safe mode on a local ' +
  "stack (one op per bundle), each account in its own code: modulekit 0.5.9's Kernel v3.1, Nexus 1.0, Safe + Safe7579 " +
  'and the ERC-7579 reference account (EntryPoint v0.7), the Leash account and an EIP-7702 EOA on Leash7702Account ' +
  '(EntryPoint v0.8). Figures include what each account spends routing the op to the validator and running the call.';

type Clients = {
  owner: { installSessionKeyModule: (p: { keys: Address[]; permissions: Hex[][] }) => Promise<unknown> };
  session: (signer: SessionKeySignerLike) => Promise<{
    executeWithSessionKey: (p: { calls: { to: Address; data: Hex }[]; lane?: bigint }) => Promise<{ receipt: { actualGasUsed: bigint; receipt: { gasUsed: bigint; transactionHash: Hex } } }>;
  }>;
};

/** Measures the session ERC-20 transfer at S1 on every account kind, on a local stack it starts and stops. */
export async function runAccountGas(options: { onResult?: (row: AccountGasRow) => void; onStep?: (message: string) => void } = {}): Promise<AccountGasRow[]> {
  const stack = await startLocalStack({ disableCodeSizeLimit: true });
  try {
    const publicClient = createPublicClient({ chain: stack.chain, transport: http(stack.rpcUrl), pollingInterval: 100 });
    const deployer = createWalletClient({ account: privateKeyToAccount(stack.keys.deployer), chain: stack.chain, transport: http(stack.rpcUrl) });
    const infra = await deployExistingAccountInfrastructure(deployer, publicClient);
    const token = stack.contracts.devToken;
    const units = (amount: string) => parseUnits(amount, 6);
    const fund = (address: Address) => stack.fund(address, { ether: parseEther('1'), devTokens: units('1000') });
    const deposit = async (address: Address) =>
      publicClient.waitForTransactionReceipt({
        hash: await deployer.writeContract({ address: entryPointAddress, abi: entryPoint08Abi, functionName: 'depositTo', args: [address], value: parseEther('1') }),
      });
    const bundlerClientOf = <account extends Parameters<typeof createBundlerClient>[0]['account']>(account: account) =>
      createBundlerClient({
        account,
        client: publicClient,
        transport: http(stack.bundlerUrl),
        pollingInterval: 100,
        userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient) },
      }).extend(sessionKeyActions());
    const context = { publicClient, deployer, bundlerUrl: stack.bundlerUrl, addresses: stack.contracts, infra, fund };

    const accounts: [string, '0.7' | '0.8', () => Promise<Clients>][] = [
      [
        'Leash account',
        '0.8',
        async () => {
          const transport = http(stack.rpcUrl);
          const bundlerTransport = http(stack.bundlerUrl);
          const owner = (await createLeashAccountClient({ chain: stack.chain, transport, bundlerTransport, owner: privateKeyToAccount(`0x${'11'.repeat(32)}`) })).extend(sessionKeyActions());
          await fund(owner.account.address);
          await deposit(owner.account.address);
          const session = async (signer: SessionKeySignerLike) =>
            (await createLeashAccountClient({ chain: stack.chain, transport, bundlerTransport, signer, accountAddress: owner.account.address })).extend(sessionKeyActions());
          return { owner, session } as unknown as Clients;
        },
      ],
      [
        'EIP-7702 EOA (Leash7702Account)',
        '0.8',
        async () => {
          const eoa = privateKeyToAccount(`0x${'22'.repeat(32)}`);
          await fund(eoa.address);
          const owner = bundlerClientOf(await toLeash7702SmartAccount({ client: publicClient, owner: eoa, addresses: stack.contracts }));
          await deposit(eoa.address);
          const session = async (signer: SessionKeySignerLike) =>
            bundlerClientOf(await toLeash7702SmartAccount({ client: publicClient, address: eoa.address, signer, addresses: stack.contracts }));
          return { owner, session } as unknown as Clients;
        },
      ],
      ['Kernel v3.1', '0.7', async () => (await newExistingAccount('kernel', context)) as unknown as Clients],
      ['Nexus 1.0', '0.7', async () => (await newExistingAccount('nexus', context)) as unknown as Clients],
      ['Safe + Safe7579', '0.7', async () => (await newExistingAccount('safe7579', context)) as unknown as Clients],
      ['ERC-7579 reference (MSA)', '0.7', async () => (await newExistingAccount('msa', context)) as unknown as Clients],
    ];
    const recipient: Address = '0x00000000000000000000000000000000000A11cE';
    const transfer = { to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [recipient, units('1')] }) };
    const rows: AccountGasRow[] = [];
    for (const [account, entryPoint, make] of accounts) {
      options.onStep?.(`  ${account}: deploying, installing the module, one warm-up op`);
      const { owner, session } = await make();
      const signer = new SessionKeySigner();
      await owner.installSessionKeyModule({ keys: [await signer.getAddress()], permissions: [fullPermissions(token, nowInSeconds()).encode()] });
      const client = await session(signer);
      // The first op makes S1: lane used, counters nonzero, the recipient holding the token.
      await client.executeWithSessionKey({ calls: [transfer], lane: 0n });
      const { receipt } = await client.executeWithSessionKey({ calls: [transfer], lane: 0n });
      const row: AccountGasRow = {
        account,
        entryPoint,
        gasUsed: Number(receipt.receipt.gasUsed),
        actualGasUsed: Number(receipt.actualGasUsed),
        transactionHash: receipt.receipt.transactionHash,
      };
      rows.push(row);
      options.onResult?.(row);
    }
    return rows;
  } finally {
    await stack.stop();
  }
}
