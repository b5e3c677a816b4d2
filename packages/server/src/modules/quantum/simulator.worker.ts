import { CircuitError, assertSimulationBudget, runCircuit } from '@qonduit/runtime';
import { setPriority } from 'node:os';
import { parentPort } from 'node:worker_threads';
import { programFacts, readProgram } from './program-facts';
import { READY } from './simulator-pool';
import type { SimulationReply, SimulationTask } from './simulator-pool';

// One simulator worker thread: it parses the program and runs it, so that neither a large
// input nor a long simulation ever holds the server's event loop. The same worker reads a
// large program for submission ('facts'), in a pool of its own.

function inputOf(task: SimulationTask): unknown {
  return task.format === 'IONQ_CIRCUIT_V1' ? (JSON.parse(task.input) as unknown) : task.input;
}

function handle(task: SimulationTask): SimulationReply {
  try {
    if (task.mode === 'facts') return { ok: true, facts: programFacts(task.format, inputOf(task)) };
    const circuit = readProgram(task.format, inputOf(task));
    // Checked here again: a job queued before the limit was lowered must not run past it.
    assertSimulationBudget(circuit, task.maxWork);
    const result = runCircuit(circuit, { shots: task.shots });
    return { ok: true, counts: result.counts };
  } catch (err) {
    if (err instanceof CircuitError || err instanceof SyntaxError) return { ok: false, kind: 'invalid', message: err.message };
    return { ok: false, kind: 'crashed', message: err instanceof Error ? err.message : String(err) };
  }
}

parentPort?.on('message', (task: SimulationTask) => {
  parentPort?.postMessage(handle(task));
});
// On Linux a thread has its own nice value, and priority 0 here means this thread: simulations
// take what CPU the requests leave, instead of halving the server's throughput on a small machine.
try {
  setPriority(19);
} catch {
  // Not permitted or not supported (another OS): run at normal priority.
}
parentPort?.postMessage(READY);
