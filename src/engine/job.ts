/**
 * One training session from start to end, as the worker process runs it, whatever the trainer: prepare
 * (engine, model, data, checks), the run folder (./runFolder.ts), fit, test evaluation. Messages go out
 * through `send`; the model file itself is never written here (the host decides what to do with the result).
 */
import { isUserError, UserError } from '../core/types';
import type { StartJob, WorkerToHost } from '../protocol/worker';
import type { TrainingControl } from './control';
import { CheckpointWriter, RunFolder } from './runFolder';
import { trainerForJob } from './trainers';

export type Send = (m: WorkerToHost) => void;

/** Runs the session; resolves with the `done` message (the caller sends it last), rejects on failure. */
export async function runJob(job: StartJob, send: Send, control: TrainingControl): Promise<Extract<WorkerToHost, { type: 'done' }>> {
  const trainer = await trainerForJob(job);
  const prepared = await trainer.prepare(job, {
    onEngine: (e) => send({ type: 'engine', ...e }),
    onData: (d) => send({ type: 'data', train: d.train, validation: d.validation, test: d.test, samples: d.samples }),
    onLog: (line) => send({ type: 'log', line }),
  });
  try {
    const run = new RunFolder(job, prepared);
    const checkpoints = new CheckpointWriter(run, (kind, epoch, path) => send({ type: 'checkpoint', kinds: [kind], epoch, paths: [path] }));
    send({ type: 'state', state: 'running' });
    const fitting = prepared.fit(control, {
      onBatch: (point) => {
        run.batch(point);
        send({ type: 'batch', point });
      },
      onEpoch: (point) => {
        run.epoch(point);
        send({ type: 'epoch', point });
      },
      onHistograms: (items) => {
        run.histograms(items);
        send({ type: 'histograms', items });
      },
      onLog: (line) => send({ type: 'log', line }),
      onFrame: (frame) => send({ type: 'frame', frame }),
      onCheckpoint: async (kinds, epoch) => checkpoints.offer(kinds, epoch, await prepared.weights()),
    });
    // A fit that fails (a crashed or killed engine process) still ends its run folder, with the reason.
    const result = await fitting.catch((e: unknown) => {
      run.end({ type: 'end', status: 'failed', message: isUserError(e) ? e.message : String(e) });
      throw e;
    });
    await checkpoints.flush();
    if (result.status === 'nan') {
      run.end({ type: 'end', status: 'failed', message: result.message });
      throw new UserError(result.message ?? 'The loss became NaN.', 'Lower the learning rate.', 'nan-loss');
    }
    const finalPath = await run.writeModel('final', await prepared.weights());
    const test = result.status !== 'stopped' ? await prepared.evaluate() : undefined;
    const { status, epochs, weights, message } = result;
    run.end({ type: 'end', status, epochs, weights, message: message ?? null, test: test ?? null });
    return { type: 'done', status, epochs, finalPath, weights, message, test };
  } finally {
    prepared.dispose();
  }
}

/** An error as the failed message carries it. */
export function failure(e: unknown): Extract<WorkerToHost, { type: 'failed' }> {
  if (isUserError(e)) return { type: 'failed', message: e.message, hint: (e as UserError).hint, code: (e as UserError).code };
  const err = e as Error;
  return { type: 'failed', message: `Training crashed: ${err?.message ?? String(e)}`, code: 'crash' };
}
