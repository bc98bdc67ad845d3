export {
  startLocalStack,
  startAnvil,
  resolveAnvilBinary,
  type LocalStack,
  type LocalBundlerControl,
  type LocalStackOptions,
  type StartAnvilOptions,
} from './startLocalStack.js';
export { devAccounts, devMnemonic } from './devAccounts.js';
export { getFreePort, isPortInUse } from './ports.js';
export { spawnManaged, isProcessAlive, LocalProcessError, type ManagedProcess } from './processes.js';
