/** Inserting into and deleting from the chain (src/core/chainEdits.ts), as a Keras user edits a Sequential stack. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { insertAfter, removeReconnecting } from '../../../src/core/chainEdits';
import { addLayer, appendLayer, emptyGraph, findLayer, getLayer } from '../../../src/core/graph';
import type { ModelGraph } from '../../../src/core/types';

/** input(4) -> dense(8) -> dense_1(1), Sequential. */
function seq(): ModelGraph {
  let g = addLayer(emptyGraph('m'), 'InputLayer', { name: 'input', config: { batch_input_shape: [null, 4] } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 8 } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 1 } }).graph;
  return { ...g, kind: 'Sequential' };
}

const inbound = (g: ModelGraph, n: string) => findLayer(g, n)?.inbound;

describe('insertAfter', () => {
  test('a middle layer: the successor now reads the new layer; outputs and kind unchanged', () => {
    const r = insertAfter(seq(), 'dense', 'Dropout', { config: { rate: 0.5 } });
    assert.equal(r.name, 'dropout');
    assert.deepEqual(inbound(r.graph, 'dropout'), ['dense']);
    assert.deepEqual(inbound(r.graph, 'dense_1'), ['dropout']);
    assert.deepEqual(r.graph.outputs, ['dense_1']);
    assert.equal(r.graph.kind, 'Sequential');
    assert.deepEqual(r.graph.layers.map((l) => l.name), ['input', 'dense', 'dropout', 'dense_1']);
  });

  test('every consumer of a branching layer is rewired, each in its own input slot', () => {
    let g = seq();
    g = addLayer(g, 'Dense', { name: 'side', inbound: ['dense'], config: { units: 8 } }).graph;
    g = addLayer(g, 'Add', { name: 'sum', inbound: ['side', 'dense'] }).graph;
    const r = insertAfter(g, 'dense', 'ReLU');
    assert.deepEqual(inbound(r.graph, 'dense_1'), ['re_lu']);
    assert.deepEqual(inbound(r.graph, 'side'), ['re_lu']);
    assert.deepEqual(inbound(r.graph, 'sum'), ['side', 're_lu']);
  });

  test('after the output it is Sequential add: the new layer becomes the output', () => {
    const r = insertAfter(seq(), 'dense_1', 'Activation');
    assert.deepEqual(inbound(r.graph, 'activation'), ['dense_1']);
    assert.deepEqual(r.graph.outputs, ['activation']);
  });

  test('the input graph is not changed, and an unknown layer is a UserError', () => {
    const g = seq();
    const before = structuredClone(g);
    insertAfter(g, 'dense', 'Dropout');
    assert.deepEqual(g, before);
    assert.throws(() => insertAfter(g, 'nope', 'Dense'), /No layer named "nope"|nope/);
  });
});

describe('removeReconnecting', () => {
  test('a middle layer: its input feeds its successor again', () => {
    const g = removeReconnecting(seq(), 'dense');
    assert.equal(findLayer(g, 'dense'), undefined);
    assert.deepEqual(inbound(g, 'dense_1'), ['input']);
    assert.equal(g.kind, 'Sequential');
  });

  test('the output: its input becomes the output (Sequential.pop)', () => {
    const g = removeReconnecting(seq(), 'dense_1');
    assert.deepEqual(g.outputs, ['dense']);
  });

  test('shapes that do not fit: a plain removal, the consumer left without input', () => {
    // input(8, 8, 3) -> Flatten -> Dense: without Flatten, Dense would read a rank-3 tensor, fine in Keras;
    // Concatenate of a rank-2 and a rank-4 tensor is not, so deleting the Flatten in front of it is plain.
    let g = addLayer(emptyGraph('m'), 'InputLayer', { name: 'img', config: { batch_input_shape: [null, 8, 8, 3] } }).graph;
    g = addLayer(g, 'InputLayer', { name: 'vec', config: { batch_input_shape: [null, 5] } }).graph;
    g = addLayer(g, 'Flatten', { name: 'flat', inbound: ['img'] }).graph;
    g = addLayer(g, 'Concatenate', { name: 'cat', inbound: ['flat', 'vec'] }).graph;
    const r = removeReconnecting(g, 'flat');
    assert.deepEqual(inbound(r, 'cat'), ['vec']);
    // The same edit where the shapes do fit reconnects.
    const fits = { ...g, layers: g.layers.map((l) => (l.name === 'vec' ? { ...l, config: { batch_input_shape: [null, 8, 8, 3] } } : l)) };
    assert.deepEqual(inbound(removeReconnecting(fits, 'flat'), 'cat'), ['img', 'vec']);
  });

  test('a merge (several inputs) and an input layer are plain removals', () => {
    let g = seq();
    g = addLayer(g, 'Dense', { name: 'side', inbound: ['input'], config: { units: 8 } }).graph;
    g = addLayer(g, 'Add', { name: 'sum', inbound: ['dense', 'side'] }).graph;
    g = addLayer(g, 'Dense', { name: 'head', inbound: ['sum'], config: { units: 2 } }).graph;
    assert.deepEqual(inbound(removeReconnecting(g, 'sum'), 'head'), []);
    assert.deepEqual(inbound(removeReconnecting(g, 'input'), 'dense'), []);
  });

  test('a consumer that already reads the input just loses the removed one', () => {
    let g = seq();
    g = addLayer(g, 'Dense', { name: 'side', inbound: ['input'], config: { units: 8 } }).graph;
    g = addLayer(g, 'Concatenate', { name: 'cat', inbound: ['input', 'side'] }).graph;
    const r = removeReconnecting(g, 'side');
    assert.deepEqual(getLayer(r, 'cat').inbound, ['input']);
  });
});
