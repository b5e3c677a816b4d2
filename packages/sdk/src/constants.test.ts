import { INPUT_FORMATS as CONTRACT_FORMATS, JOB_STATUSES as CONTRACT_STATUSES, ROLES as CONTRACT_ROLES, SCOPES as CONTRACT_SCOPES } from '@qonduit/contract';
import { describe, expect, it } from 'vitest';
import { INPUT_FORMATS, JOB_STATUSES, ROLES, SCOPES } from './constants';

describe('the SDK’s copies of the contract’s value lists', () => {
  it('hold exactly the contract’s values, in its order', () => {
    expect(SCOPES).toEqual([...CONTRACT_SCOPES]);
    expect(ROLES).toEqual([...CONTRACT_ROLES]);
    expect(INPUT_FORMATS).toEqual([...CONTRACT_FORMATS]);
    expect(JOB_STATUSES).toEqual([...CONTRACT_STATUSES]);
  });
});
