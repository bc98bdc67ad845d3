export { startSessionManager, sessionManagerConfigFromStack, type SessionManager, type StartSessionManagerOptions } from './server.js';
export { buildWebApp, ensureWebAppBuilt, isWebAppBuildStale, webAppDirectory } from './build.js';
export type { DemoSessionKey, SessionManagerConfig } from './config.js';
