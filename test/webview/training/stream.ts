// Epochs count from 1, as the worker reports them (epochs completed).
/**
 * A metrics stream like a session's, as JSON lines (the run folder's metrics.jsonl layout): an MNIST-like
 * run whose loss falls with noise and whose validation loss turns up after epoch 6 (over-fitting, so the
 * overlay has something to show). Seeded, so every test run sees the same numbers.
 */
import { rng } from '../../../src/engine/datasets/source';
import type { HistogramItem, RunInfo } from '../../../src/core/training';
import { finalAndBest, parseMetricsJsonl } from '../../../src/core/training';

export function recordedStream(epochs = 10, batchesPerEpoch = 500, seed = 7): string {
  const r = rng(seed);
  const lines: string[] = [];
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let b = 0; b < batchesPerEpoch; b++, step++) {
      const t = step / (epochs * batchesPerEpoch);
      const loss = 2.3 * Math.exp(-6 * t) + 0.05 + (r() - 0.5) * 0.15 * Math.exp(-2 * t);
      const acc = Math.min(0.999, 1 - 0.9 * Math.exp(-7 * t) - 0.02 + (r() - 0.5) * 0.04);
      lines.push(JSON.stringify({ type: 'batch', step, epoch: e + 1, batch: b, metrics: { loss, accuracy: acc }, lr: 0.001 * Math.pow(0.9, e), samplesPerSec: 3000 + r() * 400 }));
    }
    const t = (step - 1) / (epochs * batchesPerEpoch);
    const valLoss = 2.3 * Math.exp(-6 * t) + 0.08 + Math.max(0, e - 6) * 0.03;
    lines.push(JSON.stringify({ type: 'epoch', epoch: e + 1, step, metrics: { loss: 2.3 * Math.exp(-6 * t) + 0.05, accuracy: 1 - 0.9 * Math.exp(-7 * t) - 0.02, val_loss: valLoss, val_accuracy: 1 - 0.9 * Math.exp(-7 * t) - 0.03 - Math.max(0, e - 6) * 0.004 }, lr: 0.001 * Math.pow(0.9, e), samplesPerSec: 3200 }));
  }
  return lines.join('\n') + '\n';
}

export const stream = parseMetricsJsonl(recordedStream());

/**
 * A model with two outputs (a class head `cls` and a regression head `reg`), with the keys Keras 3's History
 * gives it: `loss` (the weighted total), `cls_loss`, `cls_accuracy`, `reg_loss`, `reg_mae`, and `val_` ones.
 */
export function twoHeadStream(epochs = 6, batchesPerEpoch = 50, seed = 11): string {
  const r = rng(seed);
  const lines: string[] = [];
  const at = (t: number, noise: number) => {
    const cls = 1.1 * Math.exp(-4 * t) + 0.1 + noise * (r() - 0.5);
    const reg = 0.8 * Math.exp(-2 * t) + 0.05 + noise * (r() - 0.5);
    // In alphabetical order, so the outputs' keys interleave with the total loss: the charts must group them.
    return { cls_accuracy: Math.min(0.99, 1 - cls / 1.3), cls_loss: cls, loss: cls + 0.5 * reg, reg_loss: reg, reg_mae: Math.sqrt(reg) };
  };
  let step = 0;
  for (let e = 0; e < epochs; e++) {
    for (let b = 0; b < batchesPerEpoch; b++, step++) lines.push(JSON.stringify({ type: 'batch', step, epoch: e + 1, batch: b, metrics: at(step / (epochs * batchesPerEpoch), 0.1) }));
    const train = at(step / (epochs * batchesPerEpoch), 0);
    const val = Object.fromEntries(Object.entries(at(step / (epochs * batchesPerEpoch), 0.05)).map(([k, v]) => [`val_${k}`, v]));
    lines.push(JSON.stringify({ type: 'epoch', epoch: e + 1, step, metrics: { ...train, ...val } }));
  }
  return lines.join('\n') + '\n';
}

/** Four runs of one model with SGD, Momentum, Adagrad and Adam: the classic optimizer comparison. */
export function fourRuns(): RunInfo[] {
  const opts: [string, Record<string, string | number | boolean>, number][] = [
    ['sgd', { learning_rate: 0.01, momentum: 0 }, 0.25],
    ['sgd', { learning_rate: 0.01, momentum: 0.9 }, 0.6],
    ['adagrad', { learning_rate: 0.01 }, 0.45],
    ['adam', { learning_rate: 0.001 }, 0.9],
  ];
  return opts.map(([name, params, speed], i) => {
    const epochs = Array.from({ length: 12 }, (_, e) => {
      const loss = 2.3 * Math.exp(-speed * (e + 1)) + 0.04;
      return { epoch: e + 1, metrics: { loss, accuracy: 1 - loss / 2.5, val_loss: loss + 0.03, val_accuracy: 1 - (loss + 0.03) / 2.5 } };
    });
    const { final, best } = finalAndBest(epochs);
    const hyper: Record<string, string | number | boolean> = { dataset: 'mnist', optimizer: name, loss: 'sparse_categorical_crossentropy', epochs: 12, batchSize: 128 };
    for (const [k, v] of Object.entries(params)) hyper[`optimizer.${k}`] = v;
    return { id: `run-${i + 1}`, model: 'mnist-mlp', name: `run ${i + 1}`, startedAt: `2026-11-2${i}T10:00:00Z`, state: 'done', hyper, final, best, epochs };
  });
}

/** Per-layer weight histograms over 5 epochs: distributions that widen as training goes. */
export function histograms(): HistogramItem[] {
  const out: HistogramItem[] = [];
  for (const layer of ['dense', 'dense_1', 'dense_2']) {
    for (let e = 0; e < 5; e++) {
      const sd = 0.05 * (1 + e * 0.3);
      const counts = Array.from({ length: 30 }, (_, i) => {
        const x = -0.3 + (i + 0.5) * 0.02;
        return Math.round(1000 * Math.exp(-(x * x) / (2 * sd * sd)));
      });
      out.push({ epoch: e + 1, layer, kind: 'weights', min: -0.3, max: 0.3, counts });
      out.push({ epoch: e + 1, layer, kind: 'activations', min: 0, max: 3, counts: counts.map((c, i) => (i < 15 ? 0 : c)) });
    }
  }
  return out;
}
