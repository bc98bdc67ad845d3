import type { Address } from 'viem';
import type { SessionKeyGrant } from '../grants/serialize.js';

/** The grant a key's op carries, for the session validator to sign it in the grant form. */
export type PendingGrantOp = { grant: SessionKeyGrant; chainId: number; statedTime: number };

// Ops that carry a grant, by sender and nonce: executeWithSessionKey registers one while it sends the op, and the
// session validator (which viem asks for the stub and the signature) finds it by the op's sender and nonce.
const pending = new Map<string, PendingGrantOp>();
const keyOf = (sender: Address, nonce: bigint) => `${sender.toLowerCase()}:${nonce}`;

/** Runs `send` with the op of `sender` and `nonce` carrying `op`'s grant. */
export async function withGrantOp<T>(sender: Address, nonce: bigint, op: PendingGrantOp, send: () => Promise<T>): Promise<T> {
  const key = keyOf(sender, nonce);
  pending.set(key, op);
  try {
    return await send();
  } finally {
    pending.delete(key);
  }
}

/** The grant the op of `sender` and `nonce` carries, if any. */
export function grantOpOf(userOperation: { sender?: Address | undefined; nonce?: bigint | undefined }): PendingGrantOp | undefined {
  const { sender, nonce } = userOperation;
  return sender === undefined || nonce === undefined ? undefined : pending.get(keyOf(sender, nonce));
}
