export * from './create-db';
export type * from './database';
export type * from './tables/user.table';
export type * from './tables/session.table';
export type * from './tables/organization.table';
export type * from './tables/membership.table';
export type * from './tables/login-failure.table';
export type * from './tables/personal-access-token.table';
export type * from './tables/audit-event.table';
