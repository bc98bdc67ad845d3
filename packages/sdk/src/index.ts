// Account
export {
  toLeashSmartAccount,
  toOwnerValidator,
  getLeashAccountAddress,
  getNonceKey,
  maxNonceLane,
  type LeashSmartAccount,
  type LeashSmartAccountImplementation,
  type LeashValidator,
  type ToLeashSmartAccountParameters,
} from './account/toLeashSmartAccount.js';
export {
  encodeExecute,
  decodeExecute,
  executionModes,
  cloneInitCode,
  ExecuteDecodingError,
  type Call,
} from './account/execution.js';

// Clients
export {
  createLeashAccountClient,
  type CreateLeashAccountClientParameters,
  type LeashAccountClient,
} from './clients/createLeashAccountClient.js';

// Deployment
export {
  getLeashAddresses,
  getLeashContracts,
  getDevTokenContract,
  getDeterministicAddress,
  getAccountFactoryInitCode,
  devTokenParameters,
  type LeashAddresses,
  type DeterministicContract,
} from './deploy/addresses.js';
export {
  deployLeash,
  deployDeterministic,
  defaultFactoryStake,
  DeploymentError,
  type DeployLeashParameters,
  type DeployLeashReturnType,
  type FactoryStake,
} from './deploy/deployLeash.js';

// Constants, ABIs, errors
export * from './constants.js';
export { leashAccountAbi } from './generated/LeashAccount.js';
export { leashAccountFactoryAbi } from './generated/LeashAccountFactory.js';
export { devTokenAbi } from './generated/DevToken.js';
export { sessionKeyModuleAbi } from './generated/SessionKeyModule.js';
export { sessionKeyPermissionUpdatesAbi } from './generated/ISessionKeyPermissionUpdates.js';
export { LeashError, type LeashErrorParameters } from './errors/LeashError.js';
