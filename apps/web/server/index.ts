export { startSessionManager, sessionManagerConfigFromStack, type SessionManager, type StartSessionManagerOptions } from './server.js';
export { buildWebApp, ensureWebAppBuilt, isWebAppBuildStale, webAppDirectory } from './build.js';
export type { SessionManagerConfig } from './config.js';
