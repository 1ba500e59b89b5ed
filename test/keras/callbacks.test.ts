/**
 * EarlyStopping and ReduceLROnPlateau decide exactly as Keras 3's do: the same epoch logs go to both, and the
 * epoch training stops at, the epoch whose weights are kept and the learning rate after every epoch agree.
 * Includes Keras' rules that are easy to get wrong: the baseline, start_from_epoch, the `epoch > 0` guard,
 * cooldown, min_lr, and a monitored metric that is not in the logs (no validation data: nothing happens).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EarlyStopping, ReduceLROnPlateau } from '../../src/engine/tfjs/training/callbacks';
import { rng } from '../../src/core/initializers';
import { runPython } from './python';

interface Case {
  id: string;
  kind: 'EarlyStopping' | 'ReduceLROnPlateau';
  args: Record<string, unknown>;
  logs: Record<string, number>[];
  lr: number;
}

function series(seed: number, n: number, key: string): Record<string, number>[] {
  const r = rng(seed);
  let v = 1;
  return Array.from({ length: n }, () => {
    v = v * (0.9 + r() * 0.2) - 0.01 * (r() - 0.3);
    return { [key]: Math.fround(v), loss: Math.fround(v * 0.9) };
  });
}

const cases: Case[] = [];
const early = [
  { monitor: 'val_loss' },
  { monitor: 'val_loss', patience: 2 },
  { monitor: 'val_loss', patience: 3, min_delta: 0.02 },
  { monitor: 'val_loss', patience: 2, baseline: 0.8 },
  { monitor: 'val_loss', patience: 2, start_from_epoch: 4 },
  { monitor: 'val_loss', patience: 1, restore_best_weights: true },
  { monitor: 'val_accuracy', patience: 2, mode: 'max' },
  { monitor: 'val_loss', patience: 2, mode: 'max' },
];
const plateau = [
  { monitor: 'val_loss', patience: 1, factor: 0.5 },
  { monitor: 'val_loss', patience: 2, factor: 0.2, cooldown: 2 },
  { monitor: 'val_loss', patience: 1, factor: 0.5, min_lr: 0.02 },
  { monitor: 'val_loss', patience: 2, factor: 0.1, min_delta: 0.05, cooldown: 1 },
];
for (const seed of [1, 2, 3, 4]) {
  for (const [i, args] of early.entries()) {
    const key = String(args.monitor);
    cases.push({ id: `early-${i}-${seed}`, kind: 'EarlyStopping', args, logs: series(seed * 10 + i, 25, key), lr: 0.1 });
  }
  for (const [i, args] of plateau.entries()) cases.push({ id: `plateau-${i}-${seed}`, kind: 'ReduceLROnPlateau', args, logs: series(seed * 100 + i, 25, 'val_loss'), lr: 0.1 });
}
// No validation data: the val_ metric never appears, so neither callback does anything.
cases.push({ id: 'early-missing', kind: 'EarlyStopping', args: { monitor: 'val_loss', patience: 0 }, logs: series(7, 6, 'loss'), lr: 0.1 });
cases.push({ id: 'plateau-missing', kind: 'ReduceLROnPlateau', args: { monitor: 'val_loss', patience: 0, factor: 0.5 }, logs: series(8, 6, 'loss'), lr: 0.1 });

function ours(c: Case): { stopped_at: number | null; lrs: number[]; best_epoch: number | null } {
  if (c.kind === 'EarlyStopping') {
    const es = new EarlyStopping(c.args);
    for (const [epoch, logs] of c.logs.entries()) {
      if (es.onEpochEnd(epoch, logs) === 'stop') return { stopped_at: epoch, lrs: c.logs.slice(0, epoch + 1).map(() => c.lr), best_epoch: Math.max(0, es.monitor.bestEpoch) };
    }
    return { stopped_at: null, lrs: c.logs.map(() => c.lr), best_epoch: Math.max(0, es.monitor.bestEpoch) };
  }
  const rp = new ReduceLROnPlateau(c.args);
  let lr = c.lr;
  const lrs = c.logs.map((logs, epoch) => {
    const next = rp.onEpochEnd(epoch, logs, lr);
    if (typeof next === 'number') lr = Math.fround(next);
    return lr;
  });
  return { stopped_at: null, lrs, best_epoch: null };
}

test(`EarlyStopping and ReduceLROnPlateau decide as Keras 3 does (${cases.length} sequences)`, { timeout: 300_000 }, () => {
  const keras = runPython<{ results: Record<string, { stopped_at: number | null; lrs: number[]; best_epoch: number | null }> }>('callbacks.py', { cases });
  const problems: string[] = [];
  for (const c of cases) {
    const k = keras.results[c.id];
    const o = ours(c);
    if (k.stopped_at !== o.stopped_at) problems.push(`${c.id}: Keras stops at ${k.stopped_at}, we at ${o.stopped_at}`);
    if (c.kind === 'EarlyStopping' && k.best_epoch !== o.best_epoch) problems.push(`${c.id}: Keras keeps epoch ${k.best_epoch}, we ${o.best_epoch}`);
    const lrDiff = k.lrs.length !== o.lrs.length ? Infinity : Math.max(0, ...k.lrs.map((v, i) => Math.abs(v - o.lrs[i]) / v));
    if (lrDiff > 1e-6) problems.push(`${c.id}: learning rates ${JSON.stringify(o.lrs)} vs Keras ${JSON.stringify(k.lrs)}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(cases.some((c) => keras.results[c.id].stopped_at !== null), 'some sequences stop early');
  assert.ok(cases.some((c) => c.kind === 'ReduceLROnPlateau' && new Set(keras.results[c.id].lrs).size > 2), 'some sequences reduce the learning rate twice');
});
