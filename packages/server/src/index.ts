export { buildApp } from './app';
export type { AppDeps, RouteEntry } from './app';
export { loadConfig, ConfigError } from './config';
export type { Config } from './config';
