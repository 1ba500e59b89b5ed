/**
 * Losses and metrics of the tfjs engine against real Keras 3 (JAX, CPU), on the same y_true / y_pred: every
 * loss with from_logits, label_smoothing, sample weights and masks, every metric (accuracy resolved as compile
 * does) over two batches; then small training runs through our fit loop against Keras' fit: regularizer
 * penalties in the loss, class_weight, a mask from Embedding(mask_zero=True). All within 1e-5. One Python
 * process answers every case.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { lossFn, lossId, reduceLoss } from '../../src/engine/tfjs/training/losses';
import { makeMetric } from '../../src/engine/tfjs/training/metrics';
import type { Tensor } from '../../src/engine/tfjs/tf';
import { FUNCTION_CASES, type CaseBatch, type FunctionCase } from './lossCases';
import { FIT_CASES, prepareFitCases, runOurFit, type FitAnswer } from './lossFits';
import { runPython } from './python';

const TOLERANCE = 1e-5;

type Nested = number | Nested[];
const shapeOf = (v: Nested): number[] => (Array.isArray(v) ? [v.length, ...shapeOf(v[0])] : []);
const flat = (v: Nested): number[] => (Array.isArray(v) ? v.flatMap(flat) : [v]);
const tensor = (v: Nested, dtype: 'float32' | 'int32' | 'bool' = 'float32') => tf.tensor(flat(v), shapeOf(v), dtype);

function batchTensors(b: CaseBatch): { yt: Tensor; yp: Tensor; sw: Tensor | null; mask: Tensor | null } {
  return {
    yt: tensor(b.y_true, b.int_labels ? 'int32' : 'float32'),
    yp: tensor(b.y_pred),
    sw: b.sample_weight === undefined ? null : tensor(b.sample_weight),
    mask: b.mask === undefined ? null : tensor(b.mask, 'bool'),
  };
}

function ours(c: FunctionCase): number {
  return tf.tidy(() => {
    if (c.kind === 'loss') {
      const { yt, yp, sw, mask } = batchTensors(c.batches[0]);
      return reduceLoss(tf, lossFn(tf, lossId(c.name), c.options)(yt, yp), sw, mask).dataSync()[0];
    }
    let state: number[] | undefined;
    let metric: ReturnType<typeof makeMetric> | undefined;
    for (const b of c.batches) {
      const { yt, yp, sw, mask } = batchTensors(b);
      metric ??= makeMetric(tf, c.name, { yTrue: yt.shape, yPred: yp.shape }, c.options);
      const s = Array.from(metric.update(yt, yp, mask, sw).dataSync());
      state = state ? state.map((x, i) => x + s[i]) : s;
    }
    return metric!.result(state!);
  });
}

interface Answer {
  keras: string;
  functions: Record<string, number | { value: number; class: string } | { error: string }>;
  fits: Record<string, FitAnswer | { error: string }>;
}

test('losses, metrics and training runs equal Keras 3 within 1e-5', { timeout: 600_000 }, async () => {
  await tf.setBackend('cpu');
  const fits = await prepareFitCases();
  const answer = runPython<Answer>('losses.py', { functions: FUNCTION_CASES, fits: fits.map((f) => f.request) });
  const problems: string[] = [];
  let largestLoss = 0;
  let largestMetric = 0;
  for (const c of FUNCTION_CASES) {
    const k = answer.functions[c.id];
    if (k === undefined || (typeof k === 'object' && 'error' in k)) {
      problems.push(`${c.id}: Keras failed: ${k && (k as { error: string }).error}`);
      continue;
    }
    const kv = typeof k === 'number' ? k : k.value;
    let ov: number;
    try {
      ov = ours(c);
    } catch (e) {
      problems.push(`${c.id}: ours failed: ${(e as Error).message}`);
      continue;
    }
    const diff = Math.abs(ov - kv) / Math.max(1, Math.abs(kv));
    if (!(diff <= TOLERANCE)) problems.push(`${c.id}: ours ${ov}, Keras ${kv}${typeof k === 'object' ? ` (${k.class})` : ''}`);
    if (c.kind === 'loss') largestLoss = Math.max(largestLoss, diff);
    else largestMetric = Math.max(largestMetric, diff);
  }
  let largestFit = 0;
  for (const f of FIT_CASES) {
    const k = answer.fits[f.id];
    if (!k || 'error' in k) {
      problems.push(`fit ${f.id}: Keras failed: ${k && (k as { error: string }).error}`);
      continue;
    }
    const r = await runOurFit(f, fits.find((p) => p.request.id === f.id)!, k);
    problems.push(...r.problems);
    largestFit = Math.max(largestFit, r.largest);
  }
  const losses = FUNCTION_CASES.filter((c) => c.kind === 'loss').length;
  console.log(
    `keras loss parity (Keras ${answer.keras}): ${losses} loss cases (largest difference ${largestLoss.toExponential(2)}), ` +
      `${FUNCTION_CASES.length - losses} metric cases (${largestMetric.toExponential(2)}), ${FIT_CASES.length} training runs (${largestFit.toExponential(2)})`,
  );
  assert.deepEqual(problems, []);
});
