import {
  type Account,
  type Address,
  type EIP1193Provider,
  type Hex,
  type PublicClient,
  type Transport,
  createPublicClient,
  createWalletClient,
  custom,
  getAddress,
  http,
  numberToHex,
  parseEther,
  parseUnits,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { createBundlerClient } from 'viem/account-abstraction';
import {
  type AccountKind,
  type LeashAccountClient,
  type SessionKeySigner,
  type SessionKeySmartAccount,
  UnknownAccountKindError,
  createLeashAccountClient,
  detectAccountKind,
  devTokenAbi,
  devTokenParameters,
  estimateUserOperationFees,
  getLeashAccountAddress,
  leashAccountAbi,
  leashAccountKind,
  sessionKeyActions,
  toErc7579SmartAccount,
  toExistingAccountOwner,
  withPrefundGasEstimate,
} from '@leash/sdk';
import { type SessionManagerConfig, chainOf } from './config.js';

const withSessionKeyActions = (client: LeashAccountClient) => client.extend(sessionKeyActions());

/** A Leash account client with the session key actions. */
export type SessionKeyClient = ReturnType<typeof withSessionKeyActions>;

/** The account's owner as the page acts for it: a development key or a browser wallet. */
export type OwnerConnection = {
  kind: 'dev-key' | 'wallet';
  owner: Address;
  client: SessionKeyClient;
  publicClient: PublicClient;
  /** The kind of account managed (Leash, Kernel, Nexus, Safe7579, MSA, an EIP-7702 EOA), with its EntryPoint. */
  accountKind: AccountKind;
};

declare global {
  interface Window {
    ethereum?: EIP1193Provider;
  }
}

const addresses = (config: SessionManagerConfig) => ({
  entryPoint: config.contracts.entryPoint,
  accountFactory: config.contracts.accountFactory,
  accountImplementation: config.contracts.accountImplementation,
  sessionKeyModule: config.contracts.sessionKeyModule,
  permissionUpdater: config.contracts.permissionUpdater,
  sessionKeyLens: config.contracts.sessionKeyLens,
});

/** A public client on the configured chain. */
export function createChainClient(config: SessionManagerConfig): PublicClient {
  return createPublicClient({ chain: chainOf(config), transport: http(config.rpcUrl), pollingInterval: 500 });
}

async function ownerClient(config: SessionManagerConfig, owner: Account, transport: Transport = http(config.rpcUrl), accountAddress?: Address): Promise<SessionKeyClient> {
  const client = await createLeashAccountClient({
    chain: chainOf(config),
    transport,
    bundlerTransport: http(config.bundlerUrl),
    owner,
    accountAddress,
    addresses: addresses(config),
  });
  return withSessionKeyActions(client);
}

/**
 * The owner's client of the account at `account` (the owner's own Leash account when not given): finds the account's
 * kind and checks that `owner` owns it. Accounts of other kinds (Kernel, Nexus, Safe7579, MSA, EIP-7702 EOAs) need the
 * owner's key itself: their owner validators are asked whether it signs for them.
 */
async function connectOwner(
  config: SessionManagerConfig,
  owner: Account,
  account: Address | undefined,
  transport?: Transport,
): Promise<{ client: SessionKeyClient; accountKind: AccountKind }> {
  if (!account) return { client: await ownerClient(config, owner, transport), accountKind: leashAccountKind };
  const publicClient = createChainClient(config);
  if (!(await publicClient.getCode({ address: account }))) {
    if (account === getLeashAccountAddress({ owner: owner.address, addresses: addresses(config) }))
      return { client: await ownerClient(config, owner, transport), accountKind: leashAccountKind };
    throw new Error(`No account at ${account} on this chain (and it is not ${owner.address}'s Leash account, which its first user operation would deploy).`);
  }
  let accountKind: AccountKind;
  try {
    ({ kind: accountKind } = await detectAccountKind(publicClient, account));
  } catch (error) {
    if (error instanceof UnknownAccountKindError)
      throw new Error(
        `${account} is not an account this page can manage${error.accountId ? ` (its accountId() is "${error.accountId}")` : ''}: it manages Leash, Kernel v3.1, Nexus, Safe + Safe7579, ERC-7579 reference (MSA) accounts and EIP-7702 EOAs delegated to Leash.`,
      );
    throw error;
  }
  if (accountKind.id === 'leash') {
    const signer = await publicClient.readContract({ address: account, abi: leashAccountAbi, functionName: 'signer' });
    if (getAddress(signer) !== owner.address) throw new Error(`${owner.address} does not own the Leash account ${account}: its owner is ${signer}.`);
    return { client: await ownerClient(config, owner, transport, account), accountKind };
  }
  if (owner.type !== 'local')
    throw new Error(`A browser wallet cannot act as the owner of a ${accountKind.name} account here yet: connect with the owner's key (the development key on a local chain).`);
  const { account: smartAccount } = await toExistingAccountOwner({ client: publicClient as never, address: account, owner, addresses: addresses(config), kind: accountKind });
  return { client: existingAccountClient(config, publicClient, smartAccount), accountKind };
}

/** A bundler client with the session key actions for an account of another kind than Leash's (owner or session side). */
function existingAccountClient(config: SessionManagerConfig, publicClient: PublicClient, account: SessionKeySmartAccount): SessionKeyClient {
  const bundlerTransport = http(config.bundlerUrl);
  const client = createBundlerClient({
    // The account pays its ops' prefund from its ETH unless its EntryPoint deposit covers them.
    account: withPrefundGasEstimate(account, { client: publicClient, bundlerTransport }),
    client: publicClient,
    transport: bundlerTransport,
    pollingInterval: 500,
    userOperation: { estimateFeesPerGas: ({ bundlerClient }) => estimateUserOperationFees(bundlerClient, publicClient as never) },
  }).extend(sessionKeyActions());
  return client as unknown as SessionKeyClient;
}

/**
 * Acts as the owner with the server's development key (local chains only), of its own Leash account or of the account
 * at `account` that the key owns.
 */
export async function connectWithDevKey(config: SessionManagerConfig, account?: Address): Promise<OwnerConnection> {
  if (!config.devOwnerKey) throw new Error('This server offers no development owner key: connect a browser wallet.');
  const owner = privateKeyToAccount(config.devOwnerKey);
  const { client, accountKind } = await connectOwner(config, owner, account);
  return { kind: 'dev-key', owner: owner.address, client, publicClient: createChainClient(config), accountKind };
}

// Methods only the wallet can answer (it holds the owner key); everything else goes to the configured RPC, so reads
// never depend on which network the wallet has selected.
const walletMethods = new Set([
  'eth_accounts',
  'eth_requestAccounts',
  'eth_sign',
  'personal_sign',
  'eth_signTypedData_v4',
  'eth_sendTransaction',
  'wallet_switchEthereumChain',
  'wallet_addEthereumChain',
]);

/**
 * Acts as the owner with the browser's wallet (window.ethereum): the wallet signs each owner user op (it shows the
 * EIP-712 data), the configured RPC answers reads. With `prompt` false it only reuses an existing authorization.
 */
export async function connectWithWallet(config: SessionManagerConfig, options: { prompt: boolean; account?: Address | undefined }): Promise<OwnerConnection> {
  const ethereum = window.ethereum;
  if (!ethereum) throw new Error('No browser wallet found (window.ethereum is missing).');
  const accounts = (await ethereum.request({ method: options.prompt ? 'eth_requestAccounts' : 'eth_accounts' })) as Address[];
  const [first] = accounts;
  if (!first) throw new Error('The wallet shared no account.');
  await selectChain(ethereum, config);
  const rpc = http(config.rpcUrl)({ chain: chainOf(config), retryCount: 0 });
  const transport = custom({
    request: ({ method, params }: { method: string; params?: unknown }) =>
      walletMethods.has(method) ? ethereum.request({ method, params } as never) : rpc.request({ method, params } as never),
  });
  const owner = getAddress(first);
  const { client, accountKind } = await connectOwner(config, { address: owner, type: 'json-rpc' }, options.account, transport);
  return { kind: 'wallet', owner, client, publicClient: createChainClient(config), accountKind };
}

/** Asks the wallet to select the configured chain (it signs typed data for that chain id), adding it if unknown. */
async function selectChain(ethereum: EIP1193Provider, config: SessionManagerConfig): Promise<void> {
  const chainId = numberToHex(config.chainId);
  try {
    await ethereum.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] });
  } catch (error) {
    if ((error as { code?: number }).code !== 4902) throw error;
    await ethereum.request({
      method: 'wallet_addEthereumChain',
      params: [{ chainId, chainName: config.chainName, nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: [config.rpcUrl] }],
    });
  }
}

/** A client that signs with a session key for `account`: no owner, no wallet prompt. */
export async function connectSessionKey(config: SessionManagerConfig, signer: SessionKeySigner, account: Address): Promise<SessionKeyClient> {
  // A deployed account of another kind (Kernel, Nexus, Safe7579, MSA, an EIP-7702 EOA): its own nonce layout and EntryPoint.
  const publicClient = createChainClient(config);
  if (await publicClient.getCode({ address: account })) {
    const { kind } = await detectAccountKind(publicClient, account);
    if (kind.id !== 'leash')
      return existingAccountClient(config, publicClient, await toErc7579SmartAccount({ client: publicClient as never, address: account, kind, signer, addresses: addresses(config) }));
  }
  const client = await createLeashAccountClient({
    chain: chainOf(config),
    transport: http(config.rpcUrl),
    bundlerTransport: http(config.bundlerUrl),
    signer,
    accountAddress: account,
    addresses: addresses(config),
  });
  return withSessionKeyActions(client);
}

/** Sends 1 ETH and mints 1,000 dUSD to `account` from the development faucet key (local chains only). */
export async function fundFromDevFaucet(config: SessionManagerConfig, account: Address): Promise<void> {
  const { devFaucetKey, contracts } = config;
  if (!devFaucetKey) throw new Error('This server offers no development faucet.');
  const faucet = createWalletClient({ account: privateKeyToAccount(devFaucetKey as Hex), chain: chainOf(config), transport: http(config.rpcUrl) });
  const publicClient = createChainClient(config);
  const hashes = [await faucet.sendTransaction({ to: account, value: parseEther('1') })];
  await publicClient.waitForTransactionReceipt({ hash: hashes[0]! });
  if (contracts.devToken) {
    hashes.push(await faucet.writeContract({ address: contracts.devToken, abi: devTokenAbi, functionName: 'mint', args: [account, parseUnits('1000', devTokenParameters.decimals)] }));
  }
  for (const hash of hashes) {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`The faucet transaction ${hash} failed.`);
  }
}
