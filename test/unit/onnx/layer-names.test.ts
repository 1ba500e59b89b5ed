/** ONNX export names nodes and values after their Keras layers, and import gives the layers those names back. */
import assert from 'node:assert/strict';
import test from 'node:test';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { onnx } from '../../../src/formats/onnx/proto';
import { chain, coverageModels } from './models';

/** A CNN with the names a Keras user gives (including names that are ONNX operator names). */
function namedCnn() {
  const m = chain('mnist_cnn', [8, 8, 1], [
    ['Conv2D', { filters: 4, kernel_size: [3, 3], activation: 'relu', padding: 'same' }],
    ['MaxPooling2D', { pool_size: [2, 2] }],
    ['BatchNormalization', {}],
    ['Flatten', {}],
    ['Dropout', { rate: 0.5 }],
    ['Dense', { units: 3, activation: 'softmax' }],
  ]);
  const names = new Map([['x', 'image'], ['l0', 'conv_1'], ['l1', 'pool'], ['l2', 'Relu'], ['l3', 'flatten'], ['l4', 'dropout'], ['l5', 'class_probs']]);
  const rename = (n: string) => names.get(n) ?? n;
  m.graph.layers = m.graph.layers.map((l) => ({ ...l, name: rename(l.name), inbound: l.inbound.map(rename) }));
  m.graph.inputs = m.graph.inputs.map(rename);
  m.graph.outputs = m.graph.outputs.map(rename);
  m.weights = m.weights.map((w) => ({ ...w, name: rename(w.name.split('/')[0]!) + w.name.slice(w.name.indexOf('/')) }));
  return m;
}

test('ONNX export names every node and value after its Keras layer, and the graph inputs/outputs are the layer names', () => {
  const m = namedCnn();
  const g = onnx.ModelProto.decode(exportOnnx(m)).graph!;
  const layers = m.graph.layers.map((l) => l.name);
  for (const n of g.node ?? []) {
    const owner = layers.find((l) => n.name!.startsWith(`${l}/`));
    assert.ok(owner, `node ${n.name} is named after a layer`);
    for (const o of n.output ?? []) assert.ok(o === owner || o.startsWith(`${owner}/`) || layers.includes(o), `value ${o} of ${n.name}`);
  }
  assert.deepEqual(g.input!.map((i) => i.name), ['image']);
  assert.deepEqual(g.output!.map((o) => o.name), ['class_probs']);
});

test('ONNX import restores the Keras layer names of a Model Studio export (Dropout, an identity at inference, is dropped)', () => {
  const m = namedCnn();
  const back = importOnnx(exportOnnx(m), 'm.onnx');
  const expected = m.graph.layers.map((l) => l.name).filter((n) => n !== 'dropout');
  assert.deepEqual(back.graph.layers.map((l) => l.name), expected);
  assert.deepEqual(back.graph.outputs, ['class_probs']);
  assert.ok(back.weights.some((w) => w.name === 'conv_1/kernel'), back.weights.map((w) => w.name).join(', '));
});

test('every coverage model keeps its layer names through export and import, except layers that become a layout view', () => {
  for (const [label, m] of coverageModels()) {
    const back = importOnnx(exportOnnx(m), 'm.onnx').graph.layers.map((l) => l.name);
    const lost = m.graph.layers.map((l) => l.name).filter((n) => !back.includes(n));
    // A Permute followed by Flatten is folded into one transpose, which import writes back as `<next>_permute`.
    const allowed = label === 'reshape, permute, repeat vector' ? ['l1'] : [];
    assert.deepEqual(lost, allowed, `${label}: ${back.join(',')}`);
  }
});
