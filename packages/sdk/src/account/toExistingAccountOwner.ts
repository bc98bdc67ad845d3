import { type Address, type Hex, type LocalAccount, getAddress, keccak256, toHex, zeroAddress } from 'viem';
import { readContract } from 'viem/actions';
import { toKernelSmartAccount, toNexusSmartAccount } from 'permissionless/accounts';
import type { LeashAddresses } from '../deploy/addresses.js';
import { LeashError } from '../errors/LeashError.js';
import type { SessionKeySmartAccount } from './capability.js';
import { type AccountKind, UnknownAccountKindError, detectAccountKind, eip7702AccountKind, getValidatorsPaginatedAbi } from './kinds/accountKind.js';
import { toErc7579SmartAccount } from './toErc7579SmartAccount.js';
import type { LeashChainClient } from './toLeashSmartAccount.js';
import { withSessionKeyCapability } from './withSessionKeyCapability.js';

/**
 * Parameters of {@link toExistingAccountOwner}.
 *
 * @example
 * ```ts
 * const parameters: ToExistingAccountOwnerParameters = { client: publicClient, address: kernel, owner: privateKeyToAccount(ownerKey), addresses }
 * ```
 */
export type ToExistingAccountOwnerParameters = {
  /** Client of the chain the account lives on. */
  client: LeashChainClient;
  /** The deployed account (or the delegated EIP-7702 EOA). */
  address: Address;
  /** The owner's ECDSA key: it owns one of the account's validators (or, for an EIP-7702 EOA, is the EOA). */
  owner: LocalAccount;
  /** Where the session key module and its lens are. */
  addresses: Pick<LeashAddresses, 'sessionKeyModule' | 'sessionKeyLens'>;
  /** The account's kind, when already known; detected from the account otherwise. */
  kind?: AccountKind | undefined;
};

/**
 * Thrown when the given owner key does not own the account: no validator of it accepts the key's signature (or, for an
 * EIP-7702 EOA, the key is not the EOA's).
 *
 * @example
 * ```ts
 * try {
 *   await toExistingAccountOwner({ client, address, owner, addresses })
 * } catch (error) {
 *   if (error instanceof AccountOwnerMismatchError) console.log(error.validatorsChecked)
 * }
 * ```
 */
export class AccountOwnerMismatchError extends LeashError {
  override name = 'AccountOwnerMismatchError';
  readonly account: Address;
  readonly owner: Address;
  readonly accountKind: AccountKind;
  /** The account's validators that were asked whether the key signs for them. */
  readonly validatorsChecked: readonly Address[];
  constructor(parameters: { account: Address; owner: Address; kind: AccountKind; validatorsChecked: readonly Address[]; details: string }) {
    super(`${parameters.owner} does not own the ${parameters.kind.name} account ${parameters.account}.`, { details: parameters.details });
    this.account = parameters.account;
    this.owner = parameters.owner;
    this.accountKind = parameters.kind;
    this.validatorsChecked = parameters.validatorsChecked;
  }
}

const rootValidatorAbi = [{ type: 'function', name: 'rootValidator', stateMutability: 'view', inputs: [], outputs: [{ type: 'bytes21' }] }] as const;
const isValidSignatureWithSenderAbi = [
  {
    type: 'function',
    name: 'isValidSignatureWithSender',
    stateMutability: 'view',
    inputs: [
      { name: 'sender', type: 'address' },
      { name: 'hash', type: 'bytes32' },
      { name: 'signature', type: 'bytes' },
    ],
    outputs: [{ type: 'bytes4' }],
  },
] as const;
const erc1271MagicValue: Hex = '0x1626ba7e';
const sentinel: Address = '0x0000000000000000000000000000000000000001';

/** The validators that may hold the account's owner: Kernel's root validator, else the installed validators. */
async function ownerValidatorCandidates(client: LeashChainClient, address: Address, kind: AccountKind, module: Address): Promise<Address[]> {
  if (kind.id === 'kernel') {
    const root = await readContract(client, { address, abi: rootValidatorAbi, functionName: 'rootValidator' });
    // A validation id is type ‖ address; type 1 is a validator module (0: the 7702 EOA itself, 2: a permission).
    return root.slice(0, 4) === '0x01' ? [getAddress(`0x${root.slice(4)}`)] : [];
  }
  const [validators] = await readContract(client, { address, abi: getValidatorsPaginatedAbi, functionName: 'getValidatorsPaginated', args: [sentinel, 20n] });
  return validators.map((v) => getAddress(v)).filter((v) => v !== getAddress(module));
}

/**
 * Whether `validator` accepts the owner's signature for `account`: its ERC-1271 check, called as the account calls it.
 * The owner signs a throwaway hash (nothing is sent); ECDSA owner validators (Kernel's, Nexus's K1, Rhinestone's
 * ownable validator for one owner) accept the raw hash's signature.
 */
async function acceptsOwner(client: LeashChainClient, account: Address, validator: Address, owner: LocalAccount): Promise<boolean> {
  if (!owner.sign) return false;
  const hash = keccak256(toHex(`leash: does ${owner.address} own ${account} through ${validator}?`));
  const signature = await owner.sign({ hash });
  try {
    const answer = await readContract(client, {
      account,
      address: validator,
      abi: isValidSignatureWithSenderAbi,
      functionName: 'isValidSignatureWithSender',
      args: [account, hash, signature],
    });
    return answer === erc1271MagicValue;
  } catch {
    return false;
  }
}

/**
 * The owner side of an account people already have (Kernel v3.1, Nexus 1.0, Safe + Safe7579, the ERC-7579 reference
 * MSA, or an EOA delegated with EIP-7702 to Leash's implementation), given only its address and the owner's key: finds
 * the account's kind ({@link detectAccountKind}) and the validator that holds the owner (the one whose ERC-1271 check
 * accepts the key's signature), checks that the key owns the account, and builds a SmartAccount with the session key
 * capability, so the owner's client can install the module and add, update, rotate and revoke keys. Kernel and Nexus
 * owner ops are signed by permissionless' accounts; Safe7579 and MSA by {@link toErc7579SmartAccount} through the
 * owner's validator; an EIP-7702 EOA by its own key. For the Leash account use {@link toLeashSmartAccount}.
 *
 * @example
 * ```ts
 * const { account, kind } = await toExistingAccountOwner({ client: publicClient, address: nexus, owner: privateKeyToAccount(ownerKey), addresses })
 * const ownerClient = createBundlerClient({ account, client: publicClient, transport: http(bundlerUrl) }).extend(sessionKeyActions())
 * await ownerClient.installSessionKeyModule({ keys: [key], permissions: [builder.encode()] }) // kind.name: 'Nexus'
 * ```
 */
export async function toExistingAccountOwner(
  parameters: ToExistingAccountOwnerParameters,
): Promise<{ account: SessionKeySmartAccount; kind: AccountKind; ownerValidator: Address | undefined }> {
  const { client, address, owner, addresses } = parameters;
  const kind = parameters.kind ?? (await detectAccountKind(client, address)).kind;
  if (kind.id === 'leash' || kind.id === 'openzeppelin')
    throw new UnknownAccountKindError(address, undefined, `A ${kind.name} is not an account of another kind: use toLeashSmartAccount or toErc7579SmartAccount.`);
  if (kind.id === 'eip7702') {
    if (getAddress(owner.address) !== getAddress(address))
      throw new AccountOwnerMismatchError({
        account: address,
        owner: owner.address,
        kind,
        validatorsChecked: [],
        details: "An EIP-7702 account's owner is the EOA's own key: give that key.",
      });
    // Owner ops name no validator in the nonce key: the account checks the EOA's own signature.
    const account = await toErc7579SmartAccount({ client, address, kind: eip7702AccountKind, owner: { validator: zeroAddress, signer: owner }, addresses });
    return { account, kind, ownerValidator: undefined };
  }

  const candidates = await ownerValidatorCandidates(client, address, kind, addresses.sessionKeyModule);
  let ownerValidator: Address | undefined;
  for (const validator of candidates) {
    if (await acceptsOwner(client, address, validator, owner)) {
      ownerValidator = validator;
      break;
    }
  }
  if (!ownerValidator)
    throw new AccountOwnerMismatchError({
      account: address,
      owner: owner.address,
      kind,
      validatorsChecked: candidates,
      details:
        candidates.length === 0
          ? `The account has no ECDSA owner validator to sign with${kind.id === 'kernel' ? ' (its root validator is not a validator module)' : ''}.`
          : `None of its validators (${candidates.join(', ')}) accepts this key's signature: give the key of the account's ECDSA owner.`,
    });

  const entryPoint = { address: kind.entryPoint.address, version: kind.entryPoint.version };
  if (kind.id === 'kernel' || kind.id === 'nexus') {
    const permissionlessAccount =
      kind.id === 'kernel'
        ? await toKernelSmartAccount({ client, owners: [owner], version: '0.3.1', entryPoint: entryPoint as never, address, validatorAddress: ownerValidator })
        : await toNexusSmartAccount({ client, owners: [owner], version: '1.0.0', entryPoint: entryPoint as never, address, validatorAddress: ownerValidator });
    return { account: withSessionKeyCapability(permissionlessAccount as never, { kind, addresses }) as SessionKeySmartAccount, kind, ownerValidator };
  }
  const account = await toErc7579SmartAccount({ client, address, kind, owner: { validator: ownerValidator, signer: owner }, addresses });
  return { account, kind, ownerValidator };
}
