import { type Address, erc20Abi } from 'viem';
import type { SessionKeyState } from '@leash/sdk';
import type { SessionManagerConfig } from './config.js';
import type { OwnerConnection } from './connection.js';
import { type TokenInfo, loadTokenInfo } from './tokens.js';

/** The account and its session keys as last read from the chain. */
export type AccountSnapshot = {
  account: Address;
  deployed: boolean;
  ethBalance: bigint;
  devToken: { info: TokenInfo; balance: bigint } | undefined;
  moduleInstalled: boolean;
  /** Each key with its permissions and what is left of each budget, in the order the module lists them. */
  keys: SessionKeyState[];
  /** Every token the page may need to show amounts of. */
  tokens: TokenInfo[];
};

export async function loadAccountSnapshot(connection: OwnerConnection, config: SessionManagerConfig): Promise<AccountSnapshot> {
  const { client, publicClient } = connection;
  const account = client.account.address;
  const devTokenAddress = config.contracts.devToken;
  const [code, ethBalance, moduleInstalled, devToken] = await Promise.all([
    publicClient.getCode({ address: account }),
    publicClient.getBalance({ address: account }),
    client.isSessionKeyModuleInstalled(),
    devTokenAddress
      ? Promise.all([
          loadTokenInfo(publicClient, devTokenAddress),
          publicClient.readContract({ address: devTokenAddress, abi: erc20Abi, functionName: 'balanceOf', args: [account] }),
        ]).then(([info, balance]) => ({ info, balance }))
      : undefined,
  ]);
  // Every key with its permissions and budgets: one read through the session key lens.
  const keys = moduleInstalled ? await client.getSessionKeyStates() : [];
  const tokenAddresses = new Set<Address>(keys.flatMap((key) => key.spending.erc20.map((limit) => limit.tokenAddress)));
  const tokens = await Promise.all([...tokenAddresses].map((address) => loadTokenInfo(publicClient, address)));
  if (devToken && !tokens.some((t) => t.address === devToken.info.address)) tokens.push(devToken.info);
  return { account, deployed: code !== undefined && code !== '0x', ethBalance, devToken, moduleInstalled, keys, tokens };
}
