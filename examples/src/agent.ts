// The backend agent. It generates its session key itself and keeps it in an encrypted keystore file (Web3 Secret
// Storage v3); nothing outside this module ever sees the key. What it shares is its address, and what it does with
// the key is bounded on-chain by what the owner granted to that address.
import { type Address, type Chain, type Hash, encodeFunctionData, erc20Abi, http } from 'viem';
import { type SpendLimitStatus, SessionKeySigner, createLeashAccountClient, sessionKeyActions } from '@leash/sdk';

/** Where the agent keeps its key and how it reaches the chain. */
export type PaymentAgentOptions = {
  /** Keystore file: loaded if it exists, created on the first run. */
  keystorePath: string;
  /** Password of the keystore file. */
  password: string;
  chain: Chain;
  rpcUrl: string;
  bundlerUrl: string;
  /** Called once with the address when a new key was generated. */
  onNewKey?: ((address: Address) => void) | undefined;
};

/** What the rest of the program can do with the agent: learn its address, and ask it to pay. */
export type PaymentAgent = {
  /** The session key's address: the only thing about the key that leaves the agent. */
  readonly address: Address;
  /** Pays `amount` of `token` to `to` from `account`, signed with the session key. Throws the SDK's typed errors. */
  pay(parameters: { account: Address; token: Address; to: Address; amount: bigint }): Promise<{ userOpHash: Hash; transactionHash: Hash }>;
  /** What is left of the agent's allowance of `token` on `account`, as the chain says. */
  allowance(parameters: { account: Address; token: Address }): Promise<SpendLimitStatus>;
};

/**
 * Starts the agent: loads its session key from the keystore file, or generates one and writes it there (mode 0600).
 */
export async function startPaymentAgent(options: PaymentAgentOptions): Promise<PaymentAgent> {
  const signer = await SessionKeySigner.loadOrCreateKeystoreFile(options.keystorePath, options.password, {
    onCreate: options.onNewKey,
  });
  const clients = new Map<Address, ReturnType<typeof sessionClientFor>>();
  // One session client per account the agent serves; it signs with the session key only.
  const sessionClientFor = async (account: Address) =>
    (
      await createLeashAccountClient({
        chain: options.chain,
        transport: http(options.rpcUrl),
        bundlerTransport: http(options.bundlerUrl),
        signer,
        accountAddress: account,
      })
    ).extend(sessionKeyActions());
  const clientFor = (account: Address) => {
    if (!clients.has(account)) clients.set(account, sessionClientFor(account));
    return clients.get(account)!;
  };

  return {
    address: signer.address,
    async pay({ account, token, to, amount }) {
      const client = await clientFor(account);
      const { userOpHash, receipt } = await client.executeWithSessionKey({
        calls: [{ to: token, data: encodeFunctionData({ abi: erc20Abi, functionName: 'transfer', args: [to, amount] }) }],
      });
      return { userOpHash, transactionHash: receipt.receipt.transactionHash };
    },
    async allowance({ account, token }) {
      const client = await clientFor(account);
      const state = await client.getSessionKeyPermissions({ key: signer.address });
      const limit = state.spending.erc20.find((entry) => entry.tokenAddress.toLowerCase() === token.toLowerCase());
      if (!limit) throw new Error(`The agent has no allowance of token ${token} on account ${account}.`);
      return limit.status;
    },
  };
}
