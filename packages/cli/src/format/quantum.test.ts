import type { Job } from '@qonduit/sdk';
import { fakeBackend } from '@qonduit/testing';
import { describe, expect, it } from 'vitest';
import { accessText, jobFields, jobsTable, tokenSourceText } from './quantum';

const JOB: Job = {
  id: '01a22536-7c1e-7000-8a3b-5f0c9d2e4b17',
  backend_id: 'ionq.simulator',
  provider: 'AZURE',
  status: 'COMPLETED',
  shots: 100,
  name: null,
  tags: [],
  input_format: 'OPEN_QASM_V3',
  created_at: '2026-11-28T11:00:00.000Z',
  started_at: '2026-11-28T11:00:01.000Z',
  ended_at: '2026-11-28T11:01:06.000Z',
  token_source: 'organization',
  error_message: null,
  qonduit: { provider: 'ionq', provider_name: 'IonQ', input_format: 'OPEN_QASM_V3' },
};

describe('quantum formatting', () => {
  it("says whose provider token a job spent, and which backends need one", () => {
    expect(tokenSourceText('organization')).toBe("the organization's provider token");
    expect(tokenSourceText('none')).toBe('no provider token (none needed)');
    expect(accessText(fakeBackend('local.simulator'))).toBe('no token needed');
    const ionq = fakeBackend('ionq.qpu');
    expect(accessText({ qonduit: { ...ionq.qonduit, access: 'platform' } })).toBe('platform token');
    expect(accessText({ qonduit: { ...ionq.qonduit, access: 'organization' } })).toBe("organization's token");
    expect(accessText({ qonduit: { ...ionq.qonduit, access: 'none' } })).toBe('none: add a token');
  });

  it('lists jobs with relative creation times and shows one with its run time', () => {
    expect(jobsTable([JOB], new Date('2026-11-28T12:00:00Z'))).toBe(
      'ID        NAME  BACKEND         STATUS     SHOTS  CREATED     TOKEN\n' + '9d2e4b17  -     ionq.simulator  COMPLETED    100  1 hour ago  organization\n',
    );
    expect(jobFields({ ...JOB, status: 'FAILED', error_message: 'IonQ said no' })).toMatch(/ran for: +1m 05s\nerror: +IonQ said no\n$/);
  });
});
