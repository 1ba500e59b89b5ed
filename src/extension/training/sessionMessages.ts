/**
 * What the host asks and tells about sessions, without vscode. Train while the model is training: ask (switch
 * to the running session, start another, or cancel). The notification at the end of a session: what it says
 * and which actions it offers. Weights
 * are offered (Apply Trained Weights, Open Trained Model, Try It) only from a run that trained some: a session
 * stopped before its first epoch finished kept its starting weights, and says so.
 */
import type { SessionResult } from '../../engine/sessions';
import type { SessionRecord } from './controller';

export const END_ACTIONS = { apply: 'Apply Trained Weights', open: 'Open Trained Model', tryIt: 'Try It', log: 'Show Log' } as const;
export type EndAction = (typeof END_ACTIONS)[keyof typeof END_ACTIONS];

/** Whether a finished session left trained weights (epochs unknown: trust the final model it wrote). */
export function hasTrainedWeights(r: SessionResult): boolean {
  return r.status !== 'failed' && Boolean(r.finalPath) && (r.epochs === undefined || r.epochs > 0);
}

/** `unit`: what the run counted, epochs or an RL run's episodes (core/rl/watch.ts `rlUnitOf`). */
export function endMessage(model: string, r: SessionResult, unit = 'epoch'): { text: string; actions: EndAction[]; error: boolean } {
  if (r.status === 'failed') return { text: `${model}: ${[r.message, r.hint].filter(Boolean).join(' ')}`, actions: [END_ACTIONS.log], error: true };
  const test = r.test ? ` Test: ${Object.entries(r.test).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}.` : '';
  if (!hasTrainedWeights(r)) {
    return { text: `${model}: training ${r.status} before the first ${unit} finished: the model keeps its weights, there are no trained ones to apply.`, actions: [], error: false };
  }
  const n = r.epochs;
  const after = n === undefined ? '' : ` after ${n} ${unit}${n === 1 ? '' : 's'}`;
  return { text: `${model}: training ${r.status}${after}.${test}`, actions: [END_ACTIONS.apply, END_ACTIONS.open, END_ACTIONS.tryIt], error: false };
}

export const TRAIN_AGAIN = { show: 'Show Running Session', another: 'Start Another' } as const;

/** The question when Train is pressed while a session of the same model runs. */
export function alreadyTrainingMessage(rec: Pick<SessionRecord, 'info' | 'epochs'>): { text: string; detail: string; actions: string[] } {
  const { info } = rec;
  const where = info.state === 'starting' ? 'starting' : `epoch ${rec.epochs.length + 1} of ${info.epochs}${info.state === 'paused' ? ', paused' : ''}`;
  return {
    text: `${info.model} is already training (run ${info.runId ?? info.id}, ${where}).`,
    detail: 'Start Another trains a second copy at the same time, with its own run; both share this machine.',
    actions: [TRAIN_AGAIN.show, TRAIN_AGAIN.another],
  };
}
