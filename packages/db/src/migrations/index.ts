import type { Migration } from 'kysely/migration';
import * as m202611281400 from './202611281400_accounts';

// Listed statically (not read from a folder) so that migrations work the same from source,
// from a bundle and in tests. Names sort by time.
export const migrations: Record<string, Migration> = {
  '202611281400_accounts': m202611281400,
};
