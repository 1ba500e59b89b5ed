/**
 * The generated Keras code (Sequential when the graph is a chain, functional, subclassing) for every template
 * and one model per forward-pass case (every catalog layer), run in real Keras 3 (JAX, CPU): it builds, loads
 * our weights, has our parameter count and layer output shapes, and predicts what we predict (1e-5), so the
 * styles agree with each other. The linear-regression script also runs top to bottom (data, compile, fit).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../src/core/analysis';
import { isKerasOperation } from '../../src/core/layers/operations';
import { codegenCases, runCodegenCases } from './codegenRun';

const TOLERANCE = 1e-5;

test('generated Keras code in every style builds our model and predicts what we predict', { timeout: 1_800_000 }, async () => {
  const results = await runCodegenCases(codegenCases());
  const problems: string[] = [];
  let runs = 0;
  let largest = 0;
  let sequential = 0;
  for (const r of results) {
    if (r.generateError) {
      problems.push(`${r.id}: no code: ${r.generateError}`);
      continue;
    }
    if (r.fileError) problems.push(`${r.id}: Keras cannot load our .keras file: ${r.fileError}`);
    const a = analyze(r.file.graph);
    if (Object.keys(r.styles).length < 2) problems.push(`${r.id}: only ${Object.keys(r.styles).join(', ')} ran`);
    for (const [style, s] of Object.entries(r.styles)) {
      if (s.error) {
        problems.push(`${r.id} ${style}: ${s.error}`);
        continue;
      }
      runs += 1;
      if (style === 'sequential') sequential += 1;
      if (s.params !== a.totals.total) problems.push(`${r.id} ${style}: ${s.params} parameters, we count ${a.totals.total}`);
      for (const name of a.order) {
        const info = a.layers.get(name)!;
        // Keras records no layer shape for a Keras operation (not a layer); its result reaches the outputs compared below.
        if (info.className === 'InputLayer' || isKerasOperation(info.className)) continue;
        const theirs = s.shapes?.[name];
        if (JSON.stringify(theirs) !== JSON.stringify(info.outputShape)) problems.push(`${r.id} ${style}: layer ${name} is ${JSON.stringify(theirs)}, we say ${JSON.stringify(info.outputShape)}`);
      }
      for (const [what, d] of [['Keras on our file', s.diffFile], ['our engine', s.diffOurs]] as const) {
        if (d === undefined) continue;
        if (!(d <= TOLERANCE)) problems.push(`${r.id} ${style}: differs from ${what} by ${d}`);
        else largest = Math.max(largest, d);
      }
      if (s.diffFile === undefined && s.diffOurs === undefined) problems.push(`${r.id} ${style}: nothing to compare with`);
    }
  }
  console.log(`generated Keras code: ${results.length} models, ${runs} scripts run (${sequential} Sequential), largest difference ${largest.toExponential(2)}`);
  assert.deepEqual(problems, []);
});
