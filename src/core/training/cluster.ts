/** Data-parallel over this machine's devices (keras engine, JAX): all of them, or this many. */
export type DevicesChoice = number | 'all';

export const isDevicesChoice = (v: unknown): v is DevicesChoice => v === 'all' || (typeof v === 'number' && Number.isInteger(v) && v >= 1);

/** Text typed in a setting or a form: '' is none (one device), else 'all' or a whole number; null when neither. */
export function parseDevices(text: string): DevicesChoice | undefined | null {
  const t = text.trim();
  if (t === '') return undefined;
  const v = t === 'all' ? 'all' : /^\d+$/.test(t) ? Number(t) : NaN;
  return isDevicesChoice(v) ? v : null;
}

/**
 * Several processes (one per machine, usually) training one model: the keras engine on JAX joins them with
 * `keras.distribution.initialize(coordinator_address, num_processes, process_id)` (keras/src/distribution/
 * distribution_lib.py) and trains data-parallel over the devices of all of them. Process 0 reports the metrics
 * and keeps the checkpoints; the others train their share of each batch.
 */

export interface ClusterSpec {
  /** HOST:PORT of process 0, reachable from every process (Keras' `coordinator_address`). */
  coordinator: string;
  /** How many processes train together (Keras' `num_processes`). */
  processes: number;
  /** This process, 0 .. processes - 1 (Keras' `process_id`); 0 is the coordinator. */
  processId: number;
}

/** Why a cluster spec cannot work, keyed by the CLI flag it came from; empty when it can. */
export function clusterProblems(c: ClusterSpec): Partial<Record<'coordinator' | 'num-processes' | 'process-id', string>> {
  const out: Partial<Record<'coordinator' | 'num-processes' | 'process-id', string>> = {};
  const m = /^(\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/.exec(c.coordinator);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 65535) out.coordinator = `must be HOST:PORT, e.g. 10.0.0.1:1234 (got "${c.coordinator}")`;
  if (!Number.isInteger(c.processes) || c.processes < 2) out['num-processes'] = `must be a whole number of at least 2 (got ${c.processes})`;
  else if (!Number.isInteger(c.processId) || c.processId < 0 || c.processId >= c.processes) {
    out['process-id'] = `must be a whole number from 0 to ${c.processes - 1} (got ${c.processId})`;
  }
  return out;
}

/** Each process's share of a global batch; the global batch must split evenly. */
export function perProcessBatch(globalBatch: number, processes: number): number | undefined {
  return globalBatch % processes === 0 ? globalBatch / processes : undefined;
}
