import { ROLES } from '@qonduit/sdk';
import type { Role } from '@qonduit/sdk';

/** The role a <select> produced, checked rather than cast. */
export function roleFrom(value: string): Role | undefined {
  return ROLES.find((r) => r === value);
}
