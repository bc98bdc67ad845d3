import { type ComparisonGroup, type PeerFigure, peerFigures } from './peers.js';

/** DESIGN.md's gas targets and floors, with the peer figures DESIGN.md names beside each. */
export type GasTarget = {
  /** The measured figure it applies to: a scenario id, or `session-overhead-s1` (derived). */
  id: string;
  title: string;
  /** Upper bound: met when ours ≤ target. */
  target: number;
  /** DESIGN.md's estimate of what is achievable at best. */
  floor?: number;
  /** True when the figure is a difference (shown with a + sign). */
  isOverhead?: boolean;
  peers: PeerFigure[];
};

function designPeer(group: ComparisonGroup, gas: number): PeerFigure {
  const figure = peerFigures.find((p) => p.group === group && p.gas === gas);
  if (!figure) throw new Error(`No peer figure ${gas} in group ${group} (peers.ts and gasTargets.ts disagree)`);
  return figure;
}

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
    peers: [designPeer('session-erc20', 226_220)],
  },
  {
    id: 'session-overhead-s1',
    title: "Session overhead over the same account's owner-signed transfer, S1",
    target: 15_000,
    floor: 13_500,
    isOverhead: true,
    peers: [designPeer('session-overhead', 41_000)],
  },
  {
    id: 'add-key-full',
    title: 'Add a key with the full permission set (owner op)',
    target: 200_000,
    peers: [designPeer('add-key', 531_166), designPeer('add-key', 292_655), designPeer('add-key', 212_577)],
  },
];
