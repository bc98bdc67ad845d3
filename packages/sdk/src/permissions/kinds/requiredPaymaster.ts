import { type Address, zeroAddress } from 'viem';
import { RequiredPaymasterMissingError } from '../../errors/sessionKeyErrors.js';
import { DuplicatePermissionError } from '../errors.js';
import { normalizeAddress } from '../validate.js';
import type { PermissionKind } from './kind.js';
import { type Single, argsOf, encodeUpdate } from './shared.js';

type State = Single<{ address: Address | null }>;

/** The paymaster every op must use: `setRequiredPaymaster` (the zero address removes the requirement). */
export const requiredPaymasterKind: PermissionKind<State> = {
  name: 'required paymaster',
  updates: ['setRequiredPaymaster'],
  create: () => ({ value: undefined }),
  decode(state, update, context) {
    const address = normalizeAddress(argsOf(update, 'setRequiredPaymaster')[0], { field: 'paymaster', context });
    state.value = { address: BigInt(address) === 0n ? null : address };
  },
  encode: ({ value }) => (value ? [encodeUpdate('setRequiredPaymaster', value.address ?? zeroAddress)] : []),
  toPermissions({ value }, permissions) {
    if (value) permissions.requiredPaymaster = value.address;
  },
  fromPermissions(state, permissions) {
    if (permissions.requiredPaymaster !== undefined) setRequiredPaymaster(state, { paymasterAddress: permissions.requiredPaymaster });
  },
  describe({ requiredPaymaster }) {
    if (requiredPaymaster === null) return ['Any payer: no paymaster required'];
    return requiredPaymaster ? [`Every op must be paid by paymaster ${requiredPaymaster}`] : [];
  },
  read({ info }) {
    const requiredPaymaster = /^0x0{40}$/.test(info.requiredPaymaster) ? null : info.requiredPaymaster;
    return { requiredPaymaster, permissions: { requiredPaymaster } };
  },
  check({ info }, op) {
    if (/^0x0{40}$/.test(info.requiredPaymaster)) return undefined;
    if (op.paymasterPays && (op.paymaster === undefined || op.paymaster.toLowerCase() === info.requiredPaymaster.toLowerCase())) return undefined;
    return new RequiredPaymasterMissingError({ required: info.requiredPaymaster, actual: op.paymaster ?? zeroAddress });
  },
  errors: {
    RequiredPaymasterMissing: ([required, actual], cause) =>
      new RequiredPaymasterMissingError({ required: required as Address, actual: actual as Address, cause }),
  },
};

/** The builder's `setRequiredPaymaster`: `null` (or the zero address) removes the requirement. */
export function setRequiredPaymaster(state: State, parameters: { paymasterAddress: Address | null }, context = 'setRequiredPaymaster'): void {
  const value = parameters.paymasterAddress;
  let address: Address | null = null;
  if (value !== null) {
    address = normalizeAddress(value, { field: 'paymasterAddress', context });
    if (address === zeroAddress) address = null;
  }
  if (state.value) throw new DuplicatePermissionError({ permission: 'the required paymaster', context });
  state.value = { address };
}
