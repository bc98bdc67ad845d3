// MetaMask's Smart Accounts Kit, as the bench uses it. The kit sends anonymous usage analytics from the first call of
// an instrumented function unless DO_NOT_TRACK (or CI) is set; a benchmark must not phone home, so every use of the
// kit in the bench goes through this module, which sets it before any such call can run.
process.env.DO_NOT_TRACK = '1';

export {
  type Caveat,
  type Delegation,
  type MetaMaskSmartAccount,
  type SmartAccountsEnvironment,
  ExecutionMode,
  Implementation,
  ROOT_AUTHORITY,
  createDelegation,
  createExecution,
  toMetaMaskSmartAccount,
} from '@metamask/smart-accounts-kit';
export {
  createCaveatBuilder,
  deploySmartAccountsEnvironment,
  encodeDelegations,
  encodeExecutionCalldatas,
  hashDelegation,
} from '@metamask/smart-accounts-kit/utils';
