import { Type } from 'typebox';
import type { Static } from 'typebox';
import { Email, Timestamp } from './common.schemas';

export const UserResponse = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.String(),
  created_at: Timestamp,
});
export type UserResponse = Static<typeof UserResponse>;

export const SignupBody = Type.Object(
  {
    email: Email,
    // NIST 800-63B: at least 8 characters, no composition rules; long passphrases welcome.
    password: Type.String({ minLength: 8, maxLength: 256 }),
    name: Type.String({ minLength: 1, maxLength: 100 }),
  },
  { additionalProperties: false },
);
export type SignupBody = Static<typeof SignupBody>;

export const LoginBody = Type.Object(
  { email: Email, password: Type.String({ minLength: 1, maxLength: 256 }) },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;
