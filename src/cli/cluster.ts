/**
 * `model-studio train --coordinator HOST:PORT --num-processes N --process-id I`: several processes (machines)
 * training one model with the keras engine (src/core/training/cluster.ts). Process 0 prints the command line
 * each other process runs: the same command with its own --process-id.
 */
import { clusterProblems, perProcessBatch, type ClusterSpec } from '../core/training';
import { UserError } from '../core/types';

export const clusterFlags = {
  coordinator: { type: 'string' },
  'num-processes': { type: 'string' },
  'process-id': { type: 'string' },
} as const;

export interface ClusterValues {
  coordinator?: string;
  'num-processes'?: string;
  'process-id'?: string;
  engine?: string;
  devices?: string;
}

const FLAGS = ['coordinator', 'num-processes', 'process-id'] as const;
const EXAMPLE = '--coordinator 10.0.0.1:1234 --num-processes 2 --process-id 0';

/** The cluster the flags describe, or undefined when none is given; every mistake is a usage error. */
export function clusterOption(v: ClusterValues, batchSize: number): ClusterSpec | undefined {
  const given = FLAGS.filter((f) => v[f] !== undefined);
  if (given.length === 0) return undefined;
  if (given.length < FLAGS.length) {
    const missing = FLAGS.filter((f) => v[f] === undefined).map((f) => `--${f}`);
    throw new UserError(`Training on several machines needs ${missing.join(' and ')} too.`, `e.g. ${EXAMPLE}`, 'usage');
  }
  if (v.engine !== 'keras') throw new UserError('Training on several machines needs --engine keras (keras.distribution on JAX).', `e.g. --engine keras ${EXAMPLE}`, 'usage');
  if (v.devices !== undefined) throw new UserError('--devices is for one machine; with --coordinator every process trains on all of its devices.', 'Leave out --devices.', 'usage');
  const spec: ClusterSpec = { coordinator: v.coordinator!, processes: Number(v['num-processes']), processId: Number(v['process-id']) };
  const problems = Object.entries(clusterProblems(spec));
  if (problems.length) throw new UserError(problems.map(([flag, why]) => `--${flag} ${why}`).join('; '), `e.g. ${EXAMPLE}`, 'usage');
  if (perProcessBatch(batchSize, spec.processes) === undefined) {
    throw new UserError(`The batch size ${batchSize} does not split evenly over ${spec.processes} processes.`, `Use a batch size that is a multiple of ${spec.processes}.`, 'usage');
  }
  return spec;
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command line of every other process: this `train` command with its --process-id replaced. */
export function otherProcessCommands(trainArgs: string[], spec: ClusterSpec): string[] {
  const rest: string[] = [];
  for (let i = 0; i < trainArgs.length; i++) {
    if (trainArgs[i] === '--process-id') i++;
    else if (!trainArgs[i].startsWith('--process-id=')) rest.push(trainArgs[i]);
  }
  const ids = [...Array(spec.processes).keys()].filter((i) => i !== spec.processId);
  return ids.map((id) => ['model-studio', 'train', ...rest, '--process-id', String(id)].map(shellWord).join(' '));
}
