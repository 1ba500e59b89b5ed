/**
 * `auto` among the CPU engines (src/engine/tfjs/autoEngine.ts): the key a choice is remembered under, the cache
 * file, and the rule given measurements (an injected probe: no engine is timed here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../../src/core/templates';
import type { ModelFile } from '../../../src/core/types';
import { cacheDir, choiceOf, describeChoice, fastestCpuEngine, readChoices, shapeKey } from '../../../src/engine/tfjs/autoEngine';
import type { ProbeResult, ProbeRow } from '../../../src/engine/tfjs/benchmark';
import { tempDir } from '../../helpers/paths';

const V = { modelStudio: '1', tfjs: '4.22.0', wasm: '4.22.0' };
const mlp = () => getTemplate('mnist-mlp')!.build();
const row = (engine: ProbeRow['engine'], rate: number | null, reason?: string): ProbeRow => ({
  engine, device: engine, batch: 128, samples_per_s: rate, ms_per_step: rate ? 128000 / rate : null, steps: rate ? 5 : 0, loss_decreased: rate ? true : null, ...(reason ? { reason } : {}),
});
const result = (rows: ProbeRow[]): ProbeResult => ({ rows, skipped: [], batch: 128 });

test('the key: the same for renamed layers and other weights, different for another batch, architecture or version', () => {
  const a = mlp();
  const renamed: ModelFile = { ...a, weights: [], graph: { ...a.graph, layers: a.graph.layers.map((l, i) => ({ ...l, name: `x${i}`, inbound: l.inbound.map((n) => `x${a.graph.layers.findIndex((m) => m.name === n)}`) })) } };
  assert.equal(shapeKey(renamed, 128, V), shapeKey(a, 128, V));
  assert.notEqual(shapeKey(a, 512, V), shapeKey(a, 128, V));
  assert.notEqual(shapeKey(a, 128, { ...V, wasm: '4.23.0' }), shapeKey(a, 128, V));
  const wider: ModelFile = { ...a, graph: { ...a.graph, layers: a.graph.layers.map((l) => (l.className === 'Dense' && l.config.units === 512 ? { ...l, config: { ...l.config, units: 1024 } } : l)) } };
  assert.notEqual(shapeKey(wider, 128, V), shapeKey(a, 128, V));
  assert.notEqual(shapeKey(getTemplate('mnist-cnn')!.build(), 128, V), shapeKey(a, 128, V));
});

test('the rule: the fastest fully measured engine; an estimate or a failure never wins', () => {
  const c = choiceOf(result([row('wasm', 900, 'one step would take about 40 s on this engine'), row('cpu', 150), row('tensorflow', null, 'failed')]));
  assert.equal(c?.engine, 'cpu');
  assert.equal(choiceOf(result([row('wasm', 2000), row('cpu', 150)]))?.engine, 'wasm');
  assert.equal(choiceOf(result([row('cpu', null, 'no kernel')])), undefined);
});

test('measured once, then remembered in the cache folder; the log line carries the figures', async () => {
  const dir = tempDir('auto-engine-');
  let probes = 0;
  const probe = async () => {
    probes++;
    return result([row('wasm', 2345.6), row('cpu', 150)]);
  };
  const first = await fastestCpuEngine(mlp(), 128, { dir, probe, versions: V });
  assert.deepEqual([first?.choice.engine, first?.remembered, probes], ['wasm', false, 1]);
  const second = await fastestCpuEngine(mlp(), 128, { dir, probe, versions: V });
  assert.deepEqual([second?.choice.engine, second?.remembered, probes], ['wasm', true, 1]);
  // Another batch size is another shape.
  await fastestCpuEngine(mlp(), 512, { dir, probe, versions: V });
  assert.equal(probes, 2);
  assert.equal(Object.keys(readChoices(dir)).length, 2);
  assert.match(describeChoice(second!.choice, 128, true), /^auto chose wasm for this model at batch 128: wasm 2,346 samples\/s, cpu 150.0 samples\/s \(remembered from \d{4}-\d\d-\d\d\)$/);
});

test('a damaged cache file is measured over, then replaced with a good one', async () => {
  const dir = tempDir('auto-engine-');
  writeFileSync(join(dir, 'engine-choice.json'), '{"not json');
  assert.deepEqual(readChoices(dir), {});
  const found = await fastestCpuEngine(mlp(), 128, { dir, probe: async () => result([row('cpu', 10)]), versions: V });
  assert.equal(found?.remembered, false);
  assert.equal(Object.values(JSON.parse(readFileSync(join(dir, 'engine-choice.json'), 'utf8')) as object).length, 1);
});

test('the cache folder: MODEL_STUDIO_CACHE_DIR, else XDG_CACHE_HOME, else ~/.cache', () => {
  assert.equal(cacheDir({ MODEL_STUDIO_CACHE_DIR: '/c' }), '/c');
  assert.equal(cacheDir({ XDG_CACHE_HOME: '/x' }), join('/x', 'model-studio'));
  assert.match(cacheDir({}), /\.cache[/\\]model-studio$/);
});
