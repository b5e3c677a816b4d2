import type { Job, JobStatus } from '@qonduit/sdk';
import type { Tone } from '../../shared/ui';

export const STATUS_TONE: Record<JobStatus, Tone> = {
  PENDING: 'neutral',
  RUNNING: 'info',
  COMPLETED: 'success',
  FAILED: 'danger',
  CANCELLING: 'warning',
  CANCELLED: 'neutral',
};

export const TOKEN_SOURCE: Record<Job['token_source'], string> = {
  organization: "Organization's token",
  user: 'Your token',
  platform: 'Platform (pay per use)',
  none: 'No token needed',
};

export const BELL_CIRCUIT = `OPENQASM 2.0;
include "qelib1.inc";
qreg q[2];
creg c[2];
h q[0];
cx q[0], q[1];
measure q -> c;
`;
