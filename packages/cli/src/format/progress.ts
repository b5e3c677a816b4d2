import type { Output } from '../io';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export interface Progress {
  /** `detail` (an elapsed time) is shown on a terminal only; a log gets a line per new `text`. */
  update(text: string, detail?: string): void;
  /** Clears the spinner line (a terminal) so that what follows starts clean. */
  stop(): void;
}

/**
 * A spinner line on a terminal, redrawn in place; elsewhere (a CI log, a file) one plain line
 * each time the text changes, so that logs stay readable.
 */
export function createProgress(stream: Output): Progress {
  let frame = 0;
  let last = '';
  if (stream.isTTY) {
    return {
      update(text, detail) {
        frame = (frame + 1) % FRAMES.length;
        stream.write(`\r\x1b[2K${FRAMES[frame] ?? ''} ${text}${detail ? ` (${detail})` : ''}`);
      },
      stop() {
        stream.write('\r\x1b[2K');
      },
    };
  }
  return {
    update(text) {
      if (text !== last) stream.write(`${text}\n`);
      last = text;
    },
    stop() {},
  };
}
