/**
 * The editor's intents that keep the chain (insert after the selection, delete and reconnect) and the canvas'
 * layout joining the structural edit before it: one Undo takes both back.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { emptyGraph, findLayer } from '../../../src/core/graph';
import { EditableModel } from '../../../src/extension/editing/editableModel';

function xor(): EditableModel {
  const doc = new EditableModel({ graph: emptyGraph('xor'), weights: [] });
  doc.apply({ op: 'append', className: 'InputLayer' });
  doc.apply({ op: 'setField', layer: 'input_layer', field: 'batch_input_shape', value: [null, 2] });
  doc.apply({ op: 'append', className: 'Dense', after: 'input_layer' });
  doc.apply({ op: 'append', className: 'Dense', after: 'dense' });
  return doc;
}

describe('chain intents', () => {
  test('append after a middle layer inserts into the chain; remove of it reconnects', () => {
    const doc = xor();
    doc.apply({ op: 'append', className: 'Dropout', after: 'dense' });
    assert.deepEqual(findLayer(doc.graph, 'dropout')?.inbound, ['dense']);
    assert.deepEqual(findLayer(doc.graph, 'dense_1')?.inbound, ['dropout']);
    assert.deepEqual(doc.graph.outputs, ['dense_1']);
    doc.apply({ op: 'remove', names: ['dropout', 'dense'] });
    assert.deepEqual(findLayer(doc.graph, 'dense_1')?.inbound, ['input_layer']);
    assert.ok(doc.undo());
    assert.deepEqual(findLayer(doc.graph, 'dense_1')?.inbound, ['dropout']);
  });
});

describe('layout joining an edit', () => {
  const positions = { input_layer: { x: 0, y: 0 }, dense: { x: 0, y: 120 }, dense_1: { x: 0, y: 240 } };

  test('joins the latest edit: one Undo removes the layer and its layout', () => {
    const doc = xor();
    const before = doc.graph;
    doc.apply({ op: 'append', className: 'Dense', after: 'dense' });
    const joined = doc.apply({ op: 'relayout', positions, amend: doc.version });
    assert.equal(joined.label, 'Add Dense');
    assert.deepEqual(findLayer(doc.graph, 'dense')?.position, { x: 0, y: 120 });
    assert.ok(doc.undo());
    assert.equal(doc.graph, before);
    assert.ok(doc.redo());
    assert.deepEqual(findLayer(doc.graph, 'dense')?.position, { x: 0, y: 120 }, 'redo brings the layout back');
  });

  test('is dropped when the state moved on (an undo, another edit, a save), changing nothing', () => {
    const doc = xor();
    const v = doc.version;
    doc.undo();
    const undone = doc.graph;
    doc.apply({ op: 'relayout', positions, amend: v });
    assert.equal(doc.graph, undone);
    doc.apply({ op: 'relayout', positions, amend: doc.version });
    assert.equal(doc.graph, undone, 'a state reached by undo is no edit to join');
  });
});
