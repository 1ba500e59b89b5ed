/** Where the editor's minimap goes (webview/editor/minimapPlacement.ts): never over a layer. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { minimapCorner } from '../../../webview/editor/minimapPlacement';

const node = (x: number, y: number) => ({ x, y, w: 176, h: 80 });

test('hidden while every layer is on screen', () => {
  assert.equal(minimapCorner([node(100, 100), node(100, 300)], 1000, 600), null);
});

test('the first corner free of layers when the graph does not fit', () => {
  assert.equal(minimapCorner([node(400, -50), node(400, 500)], 1000, 600), 'bottom-right');
  assert.equal(minimapCorner([node(400, -50), node(850, 500)], 1000, 600), 'top-right');
  assert.equal(minimapCorner([node(400, -50), node(850, 500), node(850, 20)], 1000, 600), 'top-left');
});

test('nowhere when every corner would cover a layer', () => {
  assert.equal(minimapCorner([node(850, 500), node(850, 20), node(20, 20), node(400, 700)], 1000, 600), null);
});
