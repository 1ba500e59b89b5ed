/** The canvas layout (webview/editor/layout.ts): elk with hints, the drawing's direction, overlaps. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addLayer, appendLayer, emptyGraph } from '../../../src/core/graph';
import type { ModelGraph } from '../../../src/core/types';
import { anyOverlap, layoutDirection, layoutGraph, NODE_HEIGHT, NODE_WIDTH } from '../../../webview/editor/layout';

/** input -> dense -> dense_1, plus a side branch input -> side. */
function graph(): ModelGraph {
  let g = addLayer(emptyGraph('m'), 'InputLayer', { name: 'input', config: { batch_input_shape: [null, 4] } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 8 } }).graph;
  g = appendLayer(g, 'Dense', undefined, { config: { units: 1 } }).graph;
  return addLayer(g, 'Dense', { name: 'side', inbound: ['input'] }).graph;
}

describe('layoutGraph', () => {
  test('top-down: no overlap, each layer below its input; hints keep the top-left corner', async () => {
    const hints = { input: { x: 500, y: 300 }, dense: { x: 500, y: 310 }, dense_1: { x: 500, y: 320 }, side: { x: 800, y: 310 } };
    const pos = await layoutGraph(graph(), { hints });
    assert.equal(anyOverlap(pos), false);
    assert.ok(pos.dense.y >= pos.input.y + NODE_HEIGHT && pos.dense_1.y >= pos.dense.y + NODE_HEIGHT);
    assert.equal(Math.min(...Object.values(pos).map((p) => p.x)), 500);
    assert.equal(Math.min(...Object.values(pos).map((p) => p.y)), 300);
    // The hints' order within a rank is kept: side stays right of dense.
    assert.ok(pos.side.x > pos.dense.x);
  });

  test('left to right: each layer wholly right of its input, and the drawing reads as RIGHT again', async () => {
    const g = graph();
    const pos = await layoutGraph(g, { direction: 'RIGHT' });
    assert.ok(pos.dense.x >= pos.input.x + NODE_WIDTH && pos.dense_1.x >= pos.dense.x + NODE_WIDTH);
    assert.equal(layoutDirection(g, pos), 'RIGHT');
    assert.equal(layoutDirection(g, await layoutGraph(g)), 'DOWN');
  });
});

test('layoutDirection: layers merely placed side by side stay top-down', () => {
  const g = graph();
  assert.equal(layoutDirection(g, { input: { x: 0, y: 0 }, dense: { x: 250, y: 0 } }), 'DOWN');
});

test('anyOverlap compares node boxes', () => {
  assert.equal(anyOverlap({ a: { x: 0, y: 0 }, b: { x: NODE_WIDTH - 1, y: 0 } }), true);
  assert.equal(anyOverlap({ a: { x: 0, y: 0 }, b: { x: NODE_WIDTH, y: 0 } }), false);
});
