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
import {
  type LeashAccountClient,
  type SessionKeySigner,
  createLeashAccountClient,
  devTokenAbi,
  devTokenParameters,
  sessionKeyActions,
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

async function ownerClient(config: SessionManagerConfig, owner: Account, transport: Transport = http(config.rpcUrl)): Promise<SessionKeyClient> {
  const client = await createLeashAccountClient({
    chain: chainOf(config),
    transport,
    bundlerTransport: http(config.bundlerUrl),
    owner,
    addresses: addresses(config),
  });
  return withSessionKeyActions(client);
}

/** Acts as the owner with the server's development key (local chains only). */
export async function connectWithDevKey(config: SessionManagerConfig): Promise<OwnerConnection> {
  if (!config.devOwnerKey) throw new Error('This server offers no development owner key: connect a browser wallet.');
  const owner = privateKeyToAccount(config.devOwnerKey);
  return { kind: 'dev-key', owner: owner.address, client: await ownerClient(config, owner), publicClient: createChainClient(config) };
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
export async function connectWithWallet(config: SessionManagerConfig, options: { prompt: boolean }): Promise<OwnerConnection> {
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
  const client = await ownerClient(config, { address: owner, type: 'json-rpc' }, transport);
  return { kind: 'wallet', owner, client, publicClient: createChainClient(config) };
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
