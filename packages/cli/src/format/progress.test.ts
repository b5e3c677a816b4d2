import { describe, expect, it } from 'vitest';
import { createProgress } from './progress';

function stream(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, writes, write: (text: string) => writes.push(text) };
}

describe('progress output', () => {
  it('on a terminal, redraws one spinner line with the elapsed time, and clears it at the end', () => {
    const out = stream(true);
    const progress = createProgress(out);
    progress.update('job 1 PENDING', '0s');
    progress.update('job 1 PENDING', '1s');
    progress.stop();
    expect(out.writes).toEqual(['\r\x1b[2K⠙ job 1 PENDING (0s)', '\r\x1b[2K⠹ job 1 PENDING (1s)', '\r\x1b[2K']);
  });

  it('in a log, writes a plain line only when the status changes', () => {
    const out = stream(false);
    const progress = createProgress(out);
    for (const s of ['PENDING', 'PENDING', 'RUNNING', 'RUNNING', 'COMPLETED']) progress.update(`job 1 ${s}`, '3s');
    progress.stop();
    expect(out.writes).toEqual(['job 1 PENDING\n', 'job 1 RUNNING\n', 'job 1 COMPLETED\n']);
  });
});
