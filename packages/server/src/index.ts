export { buildApp } from './app';
export type { AppDeps, RouteEntry } from './app';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
export { createKeyringHolder, fixedKeyring } from './modules/keys/keyring-holder';
export type { KeyringHolder } from './modules/keys/keyring-holder';
