import type { Hex } from 'viem';
import { mnemonicToAccount } from 'viem/accounts';

/**
 * anvil's well-known development mnemonic. Its keys are public: never use them on a real chain.
 *
 * @example
 * ```ts
 * const owner = mnemonicToAccount(devMnemonic, { addressIndex: 3 }) // anvil's fourth funded account
 * ```
 */
export const devMnemonic = 'test test test test test test test test test test test junk';

const devKey = (index: number): Hex => {
  const key = mnemonicToAccount(devMnemonic, { addressIndex: index }).getHdKey().privateKey;
  if (!key) throw new Error('unreachable: HD key without private key');
  return `0x${Buffer.from(key).toString('hex')}`;
};

/**
 * The roles of anvil's funded development keys on the local stack. Each role has its own key so that
 * transactions of one never collide with the nonces of another.
 *
 * @example
 * ```ts
 * const faucet = createWalletClient({ account: privateKeyToAccount(devAccounts.faucet), chain: stack.chain, transport: http(stack.rpcUrl) })
 * ```
 */
export const devAccounts = {
  /** Deploys the contracts and stakes the factory. */
  deployer: devKey(0),
  /** Alto's executor: submits bundles. */
  bundlerExecutor: devKey(1),
  /** Alto's utility key: deploys Alto's simulation contracts. */
  bundlerUtility: devKey(2),
  /** The demo's and the web session manager's development account owner. */
  devOwner: devKey(3),
  /** Funds test and demo accounts. */
  faucet: devKey(4),
} as const;
