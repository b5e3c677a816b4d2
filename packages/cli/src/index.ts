export { runCli } from './cli';
export { EXIT } from './errors';
export type { ExitCode } from './errors';
export type { CliIo, Input, Output } from './io';
