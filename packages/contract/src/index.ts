export * from './errors';
export * from './scopes';
export * from './common.schemas';
export * from './accounts.schemas';
export * from './orgs.schemas';
export * from './tokens.schemas';
export * from './providers.schemas';
export * from './quantum.schemas';
