/** Every edit operation in src/core/graph.ts: results, immutability, and the UserErrors it raises. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addLayer,
  appendLayer,
  cloneGraph,
  connect,
  consumers,
  disconnect,
  emptyGraph,
  findLayer,
  getLayer,
  insertBetween,
  isChain,
  moveLayer,
  removeLayer,
  renameLayer,
  replaceLayer,
  setConfigField,
  setInputs,
  setOutputs,
  snakeCase,
  topologicalOrder,
  uniqueName,
} from '../../../src/core/graph';
import { isUserError, type ModelGraph } from '../../../src/core/types';

const userError = (code: string) => (e: unknown) => isUserError(e) && (e as { code: string }).code === code;

/** input -> dense -> dense_1 (outputs: dense_1), built with the edit operations themselves. */
function seq(): ModelGraph {
  let g = addLayer(emptyGraph('m'), 'InputLayer', { name: 'input', config: { batch_input_shape: [null, 4] } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 8 } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 1 } }).graph;
  return { ...g, kind: 'Sequential' };
}

describe('naming', () => {
  test("snakeCase gives Keras' automatic layer names", () => {
    const cases: Record<string, string> = {
      Dense: 'dense',
      Conv2D: 'conv2d',
      MaxPooling2D: 'max_pooling2d',
      GlobalAveragePooling1D: 'global_average_pooling1d',
      Conv2DTranspose: 'conv2d_transpose',
      BatchNormalization: 'batch_normalization',
      InputLayer: 'input_layer',
      LSTM: 'lstm',
      SimpleRNN: 'simple_rnn',
      PReLU: 'p_re_lu',
      LeakyReLU: 'leaky_re_lu',
      UpSampling2D: 'up_sampling2d',
      DepthwiseConv2D: 'depthwise_conv2d',
    };
    for (const [cls, name] of Object.entries(cases)) assert.equal(snakeCase(cls), name, cls);
  });

  test('uniqueName appends _1, _2 ...', () => {
    const g = seq();
    assert.equal(uniqueName(g, 'dense'), 'dense_2');
    assert.equal(uniqueName(g, 'flatten'), 'flatten');
  });
});

describe('edit operations', () => {
  test('addLayer: names, config copy, inbound, InputLayer becomes a model input; errors', () => {
    const config = { units: 3 };
    const before = seq();
    const { graph: g, name } = addLayer(before, 'Dense', { config, inbound: ['dense'], position: { x: 1, y: 2 } });
    assert.equal(name, 'dense_2');
    assert.deepEqual(getLayer(g, name).inbound, ['dense']);
    assert.deepEqual(getLayer(g, name).position, { x: 1, y: 2 });
    config.units = 99;
    assert.equal(getLayer(g, name).config.units, 3);
    assert.equal(before.layers.length, 3); // argument untouched
    assert.equal(g.kind, 'Functional'); // dense now feeds two layers
    const withInput = addLayer(g, 'InputLayer', { name: 'aux' }).graph;
    assert.deepEqual(withInput.inputs, ['input', 'aux']);
    assert.throws(() => addLayer(g, 'Dense', { name: 'dense' }), userError('duplicate-name'));
    assert.throws(() => addLayer(g, 'Dense', { name: '1bad' }), userError('invalid-name'));
    assert.throws(() => addLayer(g, 'Dense', { name: 'a/b' }), userError('invalid-name'));
    assert.throws(() => addLayer(g, 'Dense', { inbound: ['ghost'] }), isUserError);
  });

  test('removeLayer drops the node, its connections and its input/output roles', () => {
    const g = removeLayer(seq(), 'dense');
    assert.equal(findLayer(g, 'dense'), undefined);
    assert.deepEqual(getLayer(g, 'dense_1').inbound, []);
    const g2 = removeLayer(seq(), 'dense_1');
    assert.deepEqual(g2.outputs, []);
    const g3 = removeLayer(seq(), 'input');
    assert.deepEqual(g3.inputs, []);
    assert.throws(() => removeLayer(seq(), 'ghost'), isUserError);
  });

  test('connect / disconnect, with index, and their errors', () => {
    let g = addLayer(seq(), 'Add', { name: 'add' }).graph;
    g = connect(g, 'dense_1', 'add');
    g = connect(g, 'dense', 'add', 0);
    assert.deepEqual(getLayer(g, 'add').inbound, ['dense', 'dense_1']);
    assert.deepEqual(consumers(g, 'dense').sort(), ['add', 'dense_1']);
    assert.equal(g.kind, 'Functional');
    assert.throws(() => connect(g, 'dense', 'add'), userError('duplicate-edge'));
    assert.throws(() => connect(g, 'add', 'add'), userError('self-loop'));
    assert.throws(() => connect(g, 'dense', 'input'), userError('input-has-inbound'));
    assert.throws(() => connect(g, 'ghost', 'add'), isUserError);
    const d = disconnect(g, 'dense', 'add');
    assert.deepEqual(getLayer(d, 'add').inbound, ['dense_1']);
    assert.deepEqual(getLayer(g, 'add').inbound, ['dense', 'dense_1']); // original untouched
    assert.throws(() => disconnect(d, 'dense', 'add'), userError('no-edge'));
  });

  test('renameLayer updates connections and model inputs/outputs; setConfigField("name") renames', () => {
    const g = renameLayer(seq(), 'dense_1', 'out');
    assert.deepEqual(g.outputs, ['out']);
    const g2 = renameLayer(seq(), 'input', 'x');
    assert.deepEqual(g2.inputs, ['x']);
    assert.deepEqual(getLayer(g2, 'dense').inbound, ['x']);
    const g3 = renameLayer(seq(), 'dense', 'hidden');
    assert.deepEqual(getLayer(g3, 'dense_1').inbound, ['hidden']);
    assert.equal(renameLayer(seq(), 'dense', 'dense').layers.length, 3);
    assert.throws(() => renameLayer(seq(), 'dense', 'dense_1'), userError('duplicate-name'));
    assert.throws(() => renameLayer(seq(), 'dense', 'bad name'), userError('invalid-name'));
    assert.deepEqual(setConfigField(seq(), 'dense', 'name', 'h').outputs, ['dense_1']);
    assert.ok(findLayer(setConfigField(seq(), 'dense', 'name', 'h'), 'h'));
  });

  test('setConfigField sets, copies and removes values', () => {
    const value = { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } };
    const g = setConfigField(seq(), 'dense', 'kernel_regularizer', value);
    value.config.l2 = 5;
    assert.deepEqual(getLayer(g, 'dense').config.kernel_regularizer, { class_name: 'L1L2', config: { l1: 0, l2: 0.01 } });
    const g2 = setConfigField(g, 'dense', 'units', undefined);
    assert.equal('units' in getLayer(g2, 'dense').config, false);
    assert.equal(getLayer(g, 'dense').config.units, 8);
    assert.throws(() => setConfigField(seq(), 'ghost', 'units', 1), isUserError);
  });

  test('insertBetween keeps the merge input order and the model Sequential', () => {
    const { graph: g, name } = insertBetween(seq(), 'dense', 'dense_1', 'Dropout', { config: { rate: 0.2 } });
    assert.equal(name, 'dropout');
    assert.deepEqual(getLayer(g, 'dropout').inbound, ['dense']);
    assert.deepEqual(getLayer(g, 'dense_1').inbound, ['dropout']);
    assert.deepEqual(g.layers.map((l) => l.name), ['input', 'dense', 'dropout', 'dense_1']);
    assert.equal(g.kind, 'Sequential');
    let m = addLayer(seq(), 'Concatenate', { name: 'cat', inbound: ['dense', 'dense_1'] }).graph;
    m = insertBetween(m, 'dense', 'cat', 'Activation').graph;
    assert.deepEqual(getLayer(m, 'cat').inbound, ['activation', 'dense_1']);
    assert.throws(() => insertBetween(seq(), 'input', 'dense_1', 'Dropout'), userError('no-edge'));
  });

  test('appendLayer continues the chain and moves the output', () => {
    const { graph: g, name } = appendLayer(seq(), 'Activation', undefined, { config: { activation: 'sigmoid' } });
    assert.equal(name, 'activation');
    assert.deepEqual(g.outputs, ['activation']);
    assert.deepEqual(getLayer(g, 'activation').inbound, ['dense_1']);
    const fresh = appendLayer(emptyGraph(), 'Dense', undefined).graph;
    assert.deepEqual(fresh.outputs, ['dense']);
    const afterInput = appendLayer(addLayer(emptyGraph(), 'InputLayer', { name: 'in' }).graph, 'Dense', undefined).graph;
    assert.deepEqual(getLayer(afterInput, 'dense').inbound, ['in']);
    assert.deepEqual(afterInput.outputs, ['dense']);
  });

  test('appendLayer after a layer that already feeds another starts a second head: one more output', () => {
    let g = appendLayer(addLayer(emptyGraph(), 'InputLayer', { name: 'in' }).graph, 'Dense', undefined, { name: 'trunk' }).graph;
    g = appendLayer(g, 'Dense', 'trunk', { name: 'cls' }).graph;
    assert.deepEqual(g.outputs, ['cls'], 'the first head takes over the trunk as output');
    g = appendLayer(g, 'Dense', 'trunk', { name: 'reg' }).graph;
    assert.deepEqual(g.outputs, ['cls', 'reg']);
    assert.deepEqual(getLayer(g, 'reg').inbound, ['trunk']);
    assert.equal(g.kind, 'Functional');
    // Appending after a head continues that head, in its place among the outputs.
    g = appendLayer(g, 'Activation', 'cls', { name: 'act' }).graph;
    assert.deepEqual(g.outputs, ['act', 'reg']);
  });

  test('replaceLayer swaps class and config in place; inputs only replace inputs', () => {
    const g = replaceLayer(seq(), 'dense', 'Conv1D', { filters: 2 });
    const l = getLayer(g, 'dense');
    assert.equal(l.className, 'Conv1D');
    assert.deepEqual(l.config, { filters: 2 });
    assert.deepEqual(getLayer(g, 'dense_1').inbound, ['dense']);
    assert.throws(() => replaceLayer(seq(), 'input', 'Dense'), userError('bad-replace'));
    assert.throws(() => replaceLayer(seq(), 'dense', 'InputLayer'), userError('bad-replace'));
  });

  test('setInputs / setOutputs', () => {
    const g = setOutputs(seq(), ['dense', 'dense_1']);
    assert.deepEqual(g.outputs, ['dense', 'dense_1']);
    assert.equal(g.kind, 'Functional');
    assert.throws(() => setOutputs(seq(), ['ghost']), isUserError);
    const g2 = addLayer(seq(), 'InputLayer', { name: 'in2' }).graph;
    assert.deepEqual(setInputs(g2, ['in2']).inputs, ['in2']);
    assert.throws(() => setInputs(seq(), ['dense']), userError('bad-input'));
  });

  test('moveLayer sets the position on a copy', () => {
    const before = seq();
    const g = moveLayer(before, 'dense', { x: 10, y: 20 });
    assert.deepEqual(getLayer(g, 'dense').position, { x: 10, y: 20 });
    assert.equal(getLayer(before, 'dense').position, undefined);
    assert.throws(() => moveLayer(before, 'ghost', { x: 0, y: 0 }), isUserError);
  });

  test('cloneGraph is deep; isChain', () => {
    const g = seq();
    const c = cloneGraph(g);
    c.layers[1].inbound.push('x');
    assert.deepEqual(g.layers[1].inbound, ['input']);
    assert.equal(isChain(g), true);
    assert.equal(isChain(addLayer(g, 'Dense', { inbound: ['dense'] }).graph), false);
  });

  test('topologicalOrder: stable for ordered graphs, sorts others, reports cycles', () => {
    assert.deepEqual(topologicalOrder(seq()).order, ['input', 'dense', 'dense_1']);
    const g = seq();
    const reversed = { ...g, layers: [...g.layers].reverse() };
    assert.deepEqual(topologicalOrder(reversed), { order: ['input', 'dense', 'dense_1'], cyclic: [] });
    let cyc = addLayer(seq(), 'Add', { name: 'add', inbound: ['dense'] }).graph;
    cyc = connect(cyc, 'add', 'dense');
    const t = topologicalOrder(cyc);
    assert.deepEqual(t.order, ['input']);
    assert.deepEqual(t.cyclic.sort(), ['add', 'dense', 'dense_1']);
  });
});

test('insertBetween refuses an InputLayer, which takes no inputs', async () => {
  const { insertBetween, addLayer } = await import('../../../src/core/graph');
  let g = addLayer({ name: 'm', kind: 'Sequential', layers: [], inputs: [], outputs: [] }, 'InputLayer', { name: 'in' }).graph;
  g = addLayer(g, 'Dense', { name: 'd', inbound: ['in'] }).graph;
  assert.throws(() => insertBetween(g, 'in', 'd', 'InputLayer'), /cannot be inserted/);
});
