/**
 * Forward pass of every catalog layer with its options, our tfjs engine against real Keras 3 (JAX, CPU) on the
 * same weights and inputs (the .keras file we write). Each case ends one of two ways: equal within 1e-5, or
 * refused by the tfjs engine with a diagnostic that names the option (and then, with the refusal bypassed,
 * tfjs really does fail or differ: the refusal table holds no guesses). Keras must load every file we write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/analysis';
import { TFJS_DEPARTURE_CODE } from '../../src/core/layers/tfjsSupport';
import { allSpecs } from '../../src/core/layers';
import { chain } from '../unit/core/helpers';
import { LAYER_CASES, selectedLayerCases } from './layerCases';
import { runForwardCases } from './forwardRun';

const TOLERANCE = 1e-5;

test('every catalog layer has forward cases', () => {
  const covered = new Set(LAYER_CASES.map((c) => c.className));
  const missing = allSpecs().map((s) => s.className).filter((c) => c !== 'InputLayer' && !covered.has(c));
  assert.deepEqual(missing, []);
});

test('forward pass: tfjs equals Keras 3 within 1e-5, or refuses with a diagnostic', { timeout: 900_000 }, async () => {
  const results = await runForwardCases(selectedLayerCases());
  const problems: string[] = [];
  let matched = 0;
  let refused = 0;
  let largest = 0;
  for (const r of results) {
    const c = LAYER_CASES.find((x) => x.id === r.id)!;
    if (r.keras) {
      problems.push(`${r.id}: Keras cannot load or run the file we wrote: ${r.keras}`);
      continue;
    }
    if (r.ours) {
      const diagnostics = analyze(chain(c.input, [[c.className, c.config]])).diagnostics.filter((d) => d.code === TFJS_DEPARTURE_CODE);
      if (!/cannot run this model as Keras does/.test(r.ours) || (c.inputs ?? 1) === 1 && diagnostics.length === 0) {
        problems.push(`${r.id}: tfjs failed without a departure diagnostic: ${r.ours}`);
      } else if (r.bypassed && !r.bypassed.error && r.bypassed.sameShape && (r.bypassed.maxDiff ?? Infinity) <= TOLERANCE) {
        problems.push(`${r.id}: refused, but tfjs matches Keras (${r.bypassed.maxDiff}): drop the rule`);
      } else refused += 1;
      continue;
    }
    if (!(r.maxDiff! <= (c.exact ? 0 : TOLERANCE)) || JSON.stringify(r.shapeOurs) !== JSON.stringify(r.shapeKeras)) {
      problems.push(`${r.id}: differs from Keras by ${r.maxDiff} (shapes ${JSON.stringify(r.shapeOurs)} vs ${JSON.stringify(r.shapeKeras)}) without a diagnostic`);
      continue;
    }
    matched += 1;
    largest = Math.max(largest, r.maxDiff!);
  }
  console.log(`keras forward parity: ${results.length} cases, ${matched} equal (largest difference ${largest.toExponential(2)}), ${refused} refused with a diagnostic`);
  assert.deepEqual(problems, []);
});
