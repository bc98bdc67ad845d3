import { type Chain, defineChain } from 'viem';
import type { SessionManagerConfig } from '../server/config.js';

export type { SessionManagerConfig };

/** The chain and contracts the server tells the page to use. */
export async function loadConfig(): Promise<SessionManagerConfig> {
  const response = await fetch('./config.json', { cache: 'no-store' });
  if (!response.ok) throw new Error(`Could not load config.json from the server (HTTP ${response.status}).`);
  return (await response.json()) as SessionManagerConfig;
}

/** A viem chain for the config's chain id and RPC URL. */
export function chainOf(config: SessionManagerConfig): Chain {
  return defineChain({
    id: config.chainId,
    name: config.chainName,
    nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
    rpcUrls: { default: { http: [config.rpcUrl] } },
  });
}
