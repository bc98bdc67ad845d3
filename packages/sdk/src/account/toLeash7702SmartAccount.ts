import { type Address, type Hash, type LocalAccount, zeroAddress } from 'viem';
import { getCode, getTransactionCount, sendTransaction, waitForTransactionReceipt } from 'viem/actions';
import type { LeashAddresses } from '../deploy/addresses.js';
import { getLeash7702AccountContract } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySignerLike } from '../keys/keyType.js';
import { eip7702AccountKind } from './kinds/accountKind.js';
import { type Erc7579SmartAccount, type ToErc7579SmartAccountParameters, toErc7579SmartAccount } from './toErc7579SmartAccount.js';
import type { LeashChainClient } from './toLeashSmartAccount.js';

/**
 * Parameters of {@link delegateToLeash7702}.
 *
 * @example
 * ```ts
 * const parameters: DelegateToLeash7702Parameters = { owner: privateKeyToAccount(eoaKey) }
 * ```
 */
export type DelegateToLeash7702Parameters = {
  /** The EOA's own key: it signs the EIP-7702 authorization and sends (and pays for) the delegating transaction. */
  owner: LocalAccount;
  /** The implementation to delegate to; Leash's ({@link getLeash7702AccountContract}) by default. */
  implementation?: Address | undefined;
};

/** The code of an EOA delegated to `implementation` (EIP-7702's delegation indicator). */
const delegationCode = (implementation: Address) => `0xef0100${implementation.slice(2)}`.toLowerCase();

/**
 * Delegates an EOA to Leash's ERC-7579 implementation with EIP-7702: one type-4 transaction the EOA sends itself, with
 * its own authorization. Resolves with the transaction hash, or undefined when the EOA is already delegated there.
 *
 * @example
 * ```ts
 * await delegateToLeash7702(publicClient, { owner: privateKeyToAccount(eoaKey) })
 * ```
 */
export async function delegateToLeash7702(client: LeashChainClient, parameters: DelegateToLeash7702Parameters): Promise<Hash | undefined> {
  const { owner, implementation = getLeash7702AccountContract().address } = parameters;
  if (!owner.signAuthorization) throw new LeashError('The EOA account cannot sign an EIP-7702 authorization (a local private-key account can).');
  if (!(await getCode(client, { address: implementation })))
    throw new LeashError(`No EIP-7702 implementation at ${implementation}.`, { details: 'Deploy the Leash contracts first (deployLeash deploys it).' });
  const code = await getCode(client, { address: owner.address });
  if (code?.toLowerCase() === delegationCode(implementation)) return undefined;
  // The EOA sends the transaction itself, so its authorization names the nonce after the transaction's.
  const nonce = await getTransactionCount(client, { address: owner.address, blockTag: 'pending' });
  const authorization = await owner.signAuthorization({ chainId: client.chain.id, contractAddress: implementation, nonce: nonce + 1 });
  const hash = await sendTransaction(client, { account: owner, chain: client.chain, to: owner.address, data: '0x', authorizationList: [authorization] });
  const receipt = await waitForTransactionReceipt(client, { hash });
  const after = await getCode(client, { address: owner.address });
  if (receipt.status !== 'success' || after?.toLowerCase() !== delegationCode(implementation))
    throw new LeashError(`The EIP-7702 delegation of ${owner.address} did not take effect.`, { details: `Transaction ${hash}, code now ${after ?? '0x'}.` });
  return hash;
}

/**
 * Parameters of {@link toLeash7702SmartAccount}.
 *
 * @example
 * ```ts
 * const parameters: ToLeash7702SmartAccountParameters = { client: publicClient, owner: eoa, addresses: getLeashAddresses() }
 * ```
 */
export type ToLeash7702SmartAccountParameters = {
  /** A public client of the chain. */
  client: LeashChainClient;
  /** The EOA's key, for the owner's client; omit it for a session key client (then `address` and `signer`). */
  owner?: LocalAccount | undefined;
  /** The EOA, for a session key client. */
  address?: Address | undefined;
  /** A session key: the client's ops are then signed by it. */
  signer?: SessionKeySignerLike | undefined;
  /** Where the session key module and its lens are. */
  addresses: Pick<LeashAddresses, 'sessionKeyModule' | 'sessionKeyLens'>;
  /** Gas estimation to use instead of the bundler client's. */
  estimateGas?: ToErc7579SmartAccountParameters['estimateGas'];
};

/**
 * Turns an EOA into a Leash-ready ERC-7579 account in one call: delegates it with EIP-7702 to Leash's implementation
 * when it is not yet (the EOA pays that transaction), and returns a viem SmartAccount at the EOA's own address whose
 * owner ops the EOA's key signs. With `signer` (and `address`) instead of `owner`, a session key client of the EOA.
 *
 * @example
 * ```ts
 * const eoa = privateKeyToAccount(eoaKey)
 * const owner = createBundlerClient({ account: await toLeash7702SmartAccount({ client, owner: eoa, addresses }), client, transport })
 *   .extend(sessionKeyActions())
 * await owner.installSessionKeyModule({ keys: [key], permissions: [builder.encode()] })
 * ```
 */
export async function toLeash7702SmartAccount(parameters: ToLeash7702SmartAccountParameters): Promise<Erc7579SmartAccount> {
  const { client, owner, signer, addresses, estimateGas } = parameters;
  const address = owner?.address ?? parameters.address;
  if (!address) throw new LeashError('An EIP-7702 account client needs the EOA: its key (owner) or its address with a session key (signer).');
  if (owner && !signer) await delegateToLeash7702(client, { owner });
  return toErc7579SmartAccount({
    client,
    address,
    kind: eip7702AccountKind,
    // Owner ops name no validator in the nonce key: the account checks the EOA's own signature.
    ...(signer ? { signer } : { owner: { validator: zeroAddress, signer: owner! } }),
    addresses,
    estimateGas,
  });
}
