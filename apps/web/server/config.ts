import type { Address, Hex } from 'viem';

/** A session key granted by the CLI's demo: its label (tag), key and account. */
export type DemoSessionKey = { label: string; privateKey: Hex; address: Address; account: Address };

/**
 * What the web session manager needs to know about the chain it manages keys on. The server that serves the app
 * answers GET /config.json with it.
 */
export type SessionManagerConfig = {
  chainId: number;
  /** Shown in the page header. */
  chainName: string;
  /** The chain's JSON-RPC URL, reachable from the browser. */
  rpcUrl: string;
  /** An ERC-4337 bundler URL serving EntryPoint v0.8, reachable from the browser. */
  bundlerUrl: string;
  contracts: {
    entryPoint: Address;
    accountFactory: Address;
    accountImplementation: Address;
    sessionKeyModule: Address;
    /** Key management, delegatecalled by the module. */
    permissionUpdater: Address;
    /** The lens that reads an account's keys in one call. */
    sessionKeyLens: Address;
    /** The local stack's development ERC-20 (dUSD), when there is one: the form's and the demo's default token. */
    devToken?: Address | undefined;
  };
  /**
   * A development owner key, for local chains only: the page can then act as the account's owner without a wallet.
   * Never set it for a real chain: the page shows it to anyone who can open it.
   */
  devOwnerKey?: Hex | undefined;
  /** A funded development key the page uses as a faucet (ETH and dUSD), for local chains only. */
  devFaucetKey?: Hex | undefined;
  /**
   * The session key that the CLI's demo (`npm start`, `leash up --demo`) granted its account, for local chains only:
   * the demo page tips with it. Like the development owner key, anyone who can open the page sees it.
   */
  demoSessionKey?: DemoSessionKey | undefined;
};
