/**
 * `summary` of a 20,000-layer functional chain (Keras JSON), the whole path: read, limits, analysis, summary
 * text. One JSON line; issue 18 asks for under 5 s. Run by `npm run bench`.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { summaryText } from '../../src/core/summary';
import { readModel, requireValidModel } from '../../src/formats/registry';

export function chainJson(n: number): string {
  const layers: unknown[] = [{ class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 4], dtype: 'float32', name: 'in' }, inbound_nodes: [] }];
  let prev = 'in';
  for (let i = 0; i < n; i++) {
    const name = `d${i}`;
    layers.push({ class_name: 'Dense', name, config: { name, units: 4, activation: 'linear', use_bias: true }, inbound_nodes: [[[prev, 0, 0, {}]]] });
    prev = name;
  }
  return JSON.stringify({ class_name: 'Model', config: { name: 'chain', layers, input_layers: [['in', 0, 0]], output_layers: [[prev, 0, 0]] }, keras_version: '2.2.4', backend: 'tensorflow' });
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ms-bench-'));
  try {
    const n = 20_000;
    const file = join(dir, 'chain.json');
    writeFileSync(file, chainJson(n));
    const t0 = performance.now();
    const model = await readModel(file);
    const a = requireValidModel(model, 'chain.json');
    const text = summaryText(model.graph, a);
    const ms = performance.now() - t0;
    process.stdout.write(`${JSON.stringify({ bench: 'summary-20k-layer-chain', layers: n + 1, ms: Math.round(ms), lines: text.split('\n').length, limitMs: 5000 })}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) void main();
