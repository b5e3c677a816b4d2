export { buildApp } from './app';
export { startServer } from './start';
export type { RunningServer } from './start';
export type { AppDeps, RouteEntry } from './app';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
export { createKeyringHolder, fixedKeyring } from './modules/keys/keyring-holder';
export type { KeyringHolder } from './modules/keys/keyring-holder';
export { checkKeyOpensNewestRecord, openServerKeyring } from './modules/keys/server-keyring';
export type { ServerKeyring } from './modules/keys/server-keyring';
// Master key administration, for `qonduit keys ...`.
export { keyStatus, loadKeyring, retireMasterKey, rewrapAll, rotateMasterKey } from './modules/keys/keys.service';
export type { KeyVersionStatus, RetireOutcome } from './modules/keys/keys.service';
