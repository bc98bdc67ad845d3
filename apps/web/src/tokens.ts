import { type Address, type PublicClient, erc20Abi, getAddress } from 'viem';

export type TokenInfo = { address: Address; symbol: string; decimals: number };

const cache = new Map<string, Promise<TokenInfo>>();

/** An ERC-20's symbol and decimals, read once per page load. A token that does not answer shows as `tokens`, 18 decimals. */
export function loadTokenInfo(client: PublicClient, token: Address): Promise<TokenInfo> {
  const address = getAddress(token);
  let info = cache.get(address);
  if (!info) {
    info = Promise.all([
      client.readContract({ address, abi: erc20Abi, functionName: 'symbol' }).catch(() => 'tokens'),
      client.readContract({ address, abi: erc20Abi, functionName: 'decimals' }).catch(() => 18),
    ]).then(([symbol, decimals]) => ({ address, symbol, decimals }));
    cache.set(address, info);
  }
  return info;
}

/** Token infos by address, for `describePermissions`. */
export function tokensByAddress(tokens: readonly TokenInfo[]): Record<string, { symbol: string; decimals: number }> {
  return Object.fromEntries(tokens.map((t) => [t.address, { symbol: t.symbol, decimals: t.decimals }]));
}
