export * from './clock';
export * from './digest';
export * from './ids';
export * from './errors/app-error';
export * from './passwords/password-hasher';
export * from './tokens/pat-format';
