import type { Address } from 'viem';
import { sessionRules } from '../../permissionSets.js';
import { type Caveat, type SmartAccountsEnvironment, createCaveatBuilder } from './kit.js';

/**
 * The caveat sets the peer's delegations carry, built with the kit's caveat builder from the same numbers as Leash's
 * permission sets (permissionSets.ts): the same window, the same limits and periods.
 */
export type CaveatSetId = 'erc20-full' | 'erc20-minimal' | 'native';

export const caveatSets: Record<CaveatSetId, { title: string; enforcers: string[] }> = {
  'erc20-full': {
    title: 'full caveat set',
    enforcers: ['TimestampEnforcer', 'AllowedTargetsEnforcer', 'AllowedMethodsEnforcer', 'ERC20PeriodTransferEnforcer'],
  },
  // ERC20PeriodTransferEnforcer itself admits only `transfer` on its token (single call, 68 bytes of calldata), so
  // the time window and the periodic limit are all the rules of the ERC-20 session.
  'erc20-minimal': { title: 'minimal equivalent set', enforcers: ['TimestampEnforcer', 'ERC20PeriodTransferEnforcer'] },
  // Leash's native set allowlists the payee (any calldata) under a daily value limit. The kit's native periodic scope
  // also adds ExactCalldataEnforcer('0x'), a rule Leash's set does not have, so it is left out.
  native: { title: 'equivalent set', enforcers: ['TimestampEnforcer', 'AllowedTargetsEnforcer', 'NativeTokenPeriodTransferEnforcer'] },
};

/** TimestampEnforcer's window: strictly after `after`, strictly before `before` (Leash's range is inclusive). */
function timestamp(now: number) {
  return { afterThreshold: now + sessionRules.validFromOffset, beforeThreshold: now + sessionRules.validUntilOffset };
}

/** The caveats of one set. `target` is the token (ERC-20 sets) or the payee (native set). */
export function buildCaveats(environment: SmartAccountsEnvironment, set: CaveatSetId, target: Address, now: number): Caveat[] {
  const builder = createCaveatBuilder(environment).addCaveat('timestamp', timestamp(now));
  const startDate = now + sessionRules.validFromOffset;
  switch (set) {
    case 'erc20-full':
      builder.addCaveat('allowedTargets', { targets: [target] }).addCaveat('allowedMethods', { selectors: ['transfer(address,uint256)'] });
    // falls through: the full set is the minimal one plus the target and method lists
    case 'erc20-minimal':
      builder.addCaveat('erc20PeriodTransfer', {
        tokenAddress: target,
        periodAmount: sessionRules.erc20Limit,
        periodDuration: sessionRules.erc20Period,
        startDate,
      });
      break;
    case 'native':
      builder.addCaveat('allowedTargets', { targets: [target] }).addCaveat('nativeTokenPeriodTransfer', {
        periodAmount: sessionRules.nativeLimit,
        periodDuration: sessionRules.nativePeriod,
        startDate,
      });
      break;
  }
  return builder.build();
}
