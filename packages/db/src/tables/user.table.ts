import type { Insertable, Selectable, Updateable } from 'kysely';

// Timestamps are ISO-8601 UTC text on both databases: one set of queries, and they sort as text.
export interface UserTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  created_at: string;
}
export type User = Selectable<UserTable>;
export type NewUser = Insertable<UserTable>;
export type UserUpdate = Updateable<UserTable>;
