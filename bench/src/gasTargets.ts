/** DESIGN.md's gas targets and floors, and the published figures of peers (ANCHORS.md), for comparison tables. */
export type GasTarget = {
  id: string;
  title: string;
  target: number;
  floor?: number;
  peers: { system: string; gas: number }[];
};

export const gasTargets: GasTarget[] = [
  {
    id: 'session-erc20-s1',
    title: 'Session ERC-20 transfer, full permission set, S1',
    target: 110_000,
    floor: 104_000,
    peers: [],
  },
  {
    id: 'session-erc20-s0',
    title: 'Session ERC-20 transfer, full permission set, S0',
    target: 185_000,
    floor: 172_000,
    peers: [{ system: 'Alchemy Modular Account v2 (snapshot, no gas limit)', gas: 226_220 }],
  },
  {
    id: 'session-overhead-s1',
    title: "Session overhead over the same account's owner-signed transfer, S1",
    target: 15_000,
    floor: 13_500,
    peers: [{ system: 'Alchemy Modular Account v2', gas: 41_000 }],
  },
  {
    id: 'add-key-full',
    title: 'Add a key with the full permission set (owner op)',
    target: 200_000,
    peers: [
      { system: 'Alchemy Modular Account v2', gas: 531_166 },
      { system: 'Kernel v2.1', gas: 292_655 },
      { system: 'Biconomy v2 (Merkle root)', gas: 212_577 },
    ],
  },
];
