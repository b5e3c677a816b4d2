import { Worker } from 'node:worker_threads';
import type { ProgramFacts } from './program-facts';

// The local simulator runs in a fixed number of worker threads, never on the event loop: a
// 24-qubit job takes seconds to minutes of one core, and the server must keep answering. Each
// run has a wall-clock deadline; a worker past it is terminated (a tight numeric loop cannot be
// interrupted any other way) and replaced. Written here rather than with a pool library because
// what it needs is small and particular: terminate-on-deadline with the reason told apart from a
// crash and from an abort (a lost lease), and workers that load TypeScript under tsx and vitest.

export interface SimulationTask {
  /** 'facts' only reads the program and says what submission needs to know of it. */
  mode?: 'run' | 'facts';
  /** The job's input format: IONQ_CIRCUIT_V1 is JSON, the others QASM text. */
  format: string;
  input: string;
  shots: number;
  /** operations × 2^qubits allowed (checked in the worker, after parsing). */
  maxWork: number;
}

export type SimulationReply =
  | { ok: true; counts: Record<string, number> }
  | { ok: true; facts: ProgramFacts }
  | { ok: false; kind: 'invalid' | 'crashed'; message: string };
type Answer = Extract<SimulationReply, { ok: true }>;

export type SimulationFailureKind = 'invalid' | 'crashed' | 'deadline' | 'aborted' | 'closed';

export class SimulationError extends Error {
  readonly kind: SimulationFailureKind;
  constructor(kind: SimulationFailureKind, message: string) {
    super(message);
    this.name = 'SimulationError';
    this.kind = kind;
  }
}

interface Slot {
  worker: Worker;
  busy: boolean;
  /** Resolves once the worker has loaded its code: deadlines count from then, not from boot. */
  ready: Promise<void>;
  /** Ends the run in flight on this worker (shutdown), terminating the worker. */
  stop?: (err: SimulationError) => void;
}

interface Pending {
  task: SimulationTask;
  signal: AbortSignal | undefined;
  resolve: (answer: Answer) => void;
  reject: (err: SimulationError) => void;
}

// tsx registers its loader inside the worker before the TypeScript entry is imported: an
// `--import tsx` in execArgv does not reach a worker's own entry on Node 20.
/** What a worker says once its code is loaded. */
export const READY = 'qonduit-simulator-ready';
const ENTRY = new URL('./simulator.worker.ts', import.meta.url).href;
const BOOT = `import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
import { workerData } from 'node:worker_threads';
register();
await import(workerData.entry);`;

export function createSimulatorPool(options: { size: number; deadlineMs: number }) {
  const slots = new Set<Slot>();
  const queue: Pending[] = [];
  let closed = false;

  function spawn(): Slot {
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(BOOT)}`), { workerData: { entry: ENTRY } });
    // An idle worker does not keep the process alive.
    worker.unref();
    const ready = new Promise<void>((resolve) => {
      const onReady = (message: unknown) => {
        if (message !== READY) return;
        worker.off('message', onReady);
        resolve();
      };
      worker.on('message', onReady);
    });
    const slot: Slot = { worker, busy: false, ready };
    slots.add(slot);
    return slot;
  }

  function retire(slot: Slot): void {
    slots.delete(slot);
    void slot.worker.terminate();
  }

  function dispatch(): void {
    while (queue.length > 0 && !closed) {
      let slot = [...slots].find((s) => !s.busy);
      if (!slot && slots.size < options.size) slot = spawn();
      if (!slot) return;
      const next = queue.shift();
      if (!next) return;
      runOn(slot, next);
    }
  }

  function runOn(slot: Slot, job: Pending): void {
    slot.busy = true;
    const { worker } = slot;
    let settled = false;
    let deadline: NodeJS.Timeout | undefined;
    const finish = (outcome: { answer: Answer } | { error: SimulationError }, keepWorker: boolean) => {
      if (settled) return;
      settled = true;
      slot.stop = undefined;
      clearTimeout(deadline);
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
      job.signal?.removeEventListener('abort', onAbort);
      worker.unref();
      if (keepWorker) slot.busy = false;
      else retire(slot);
      if ('answer' in outcome) job.resolve(outcome.answer);
      else job.reject(outcome.error);
      dispatch();
    };
    const onMessage = (reply: SimulationReply) => {
      if (reply.ok) finish({ answer: reply }, true);
      // A worker that threw something unexpected may be in any state: replace it.
      else finish({ error: new SimulationError(reply.kind, reply.message) }, reply.kind !== 'crashed');
    };
    const onError = (err: Error) => finish({ error: new SimulationError('crashed', err.message) }, false);
    const onExit = (code: number) => finish({ error: new SimulationError('crashed', `the simulator worker exited with code ${code}`) }, false);
    const onAbort = () => finish({ error: new SimulationError('aborted', 'the simulation was stopped') }, false);
    slot.stop = (error) => finish({ error }, false);
    worker.on('error', onError);
    worker.on('exit', onExit);
    job.signal?.addEventListener('abort', onAbort, { once: true });
    // A busy worker keeps the process alive until it answers, as any pending work would.
    worker.ref();
    void slot.ready.then(() => {
      if (settled) return;
      deadline = setTimeout(() => {
        finish({ error: new SimulationError('deadline', `the simulation ran past its deadline of ${formatMs(options.deadlineMs)}`) }, false);
      }, options.deadlineMs);
      worker.on('message', onMessage);
      worker.postMessage(job.task);
    });
  }

  function submit(task: SimulationTask, signal?: AbortSignal): Promise<Answer> {
    if (closed) return Promise.reject(new SimulationError('closed', 'the simulator is shutting down'));
    if (signal?.aborted) return Promise.reject(new SimulationError('aborted', 'the simulation was stopped'));
    return new Promise((resolve, reject) => {
      const pending: Pending = { task, signal, resolve, reject };
      queue.push(pending);
      signal?.addEventListener(
        'abort',
        () => {
          const at = queue.indexOf(pending);
          if (at >= 0) {
            queue.splice(at, 1);
            reject(new SimulationError('aborted', 'the simulation was stopped'));
          }
        },
        { once: true },
      );
      dispatch();
    });
  }

  return {
    size: options.size,
    deadlineMs: options.deadlineMs,
    /** Workers free now (those not started yet count as free). */
    idle(): number {
      let busy = 0;
      for (const s of slots) if (s.busy) busy += 1;
      return Math.max(0, options.size - busy - queue.length);
    },
    async run(task: SimulationTask, signal?: AbortSignal): Promise<Record<string, number>> {
      const answer = await submit({ ...task, mode: 'run' }, signal);
      if (!('counts' in answer)) throw new SimulationError('crashed', 'the simulator worker answered without counts');
      return answer.counts;
    },
    /** Reads a program in a worker thread: for inputs too large to read on the event loop. */
    async facts(format: string, input: string): Promise<ProgramFacts> {
      const answer = await submit({ mode: 'facts', format, input, shots: 0, maxWork: 0 });
      if (!('facts' in answer)) throw new SimulationError('crashed', 'the worker answered without the program facts');
      return answer.facts;
    },
    async close(): Promise<void> {
      closed = true;
      const closing = new SimulationError('closed', 'the simulator is shutting down');
      for (const p of queue.splice(0)) p.reject(closing);
      for (const s of [...slots]) s.stop?.(closing);
      await Promise.all([...slots].map((s) => s.worker.terminate()));
      slots.clear();
    },
  };
}

export type SimulatorPool = ReturnType<typeof createSimulatorPool>;

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(ms % 1000 === 0 ? 0 : 1)} s` : `${ms} ms`;
}
