/** The editor protocol's runtime validation: unknown or malformed messages are dropped. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { CLIPBOARD_KIND, parseClipboardText, parseHostMessage, parseWebviewMessage } from '../../../src/protocol/editor';

describe('editor protocol', () => {
  test('valid webview messages pass, everything else is dropped', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    const edit = { type: 'edit', edit: { op: 'setField', layer: 'dense', field: 'units', value: 4 } };
    assert.deepEqual(parseWebviewMessage(edit), edit);
    for (const bad of [
      null,
      'ready',
      { type: 'nope' },
      { type: 'edit', edit: { op: 'explode' } },
      { type: 'edit', edit: { op: 'connect', from: 'a' } },
      { type: 'edit', edit: { op: 'setField', layer: 'd', field: 'units', value: () => 1 } },
      { type: 'edit', edit: { op: 'setField', layer: 'd', field: 'units', value: Number.NaN } },
      { type: 'edit', edit: { op: 'move', positions: { a: { x: 1 } } } },
      { type: 'edit', edit: { op: 'paste', payload: { kind: 'other', layers: [] } } },
      { type: 'copy', names: [1, 2] },
    ]) {
      assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    }
  });

  test('host messages are checked on the webview side too', () => {
    assert.equal(parseHostMessage({ type: 'state', state: { version: 1 } }), undefined);
    assert.deepEqual(parseHostMessage({ type: 'relayout' }), { type: 'relayout' });
    assert.deepEqual(parseHostMessage({ type: 'editRejected', message: 'm', hint: 3 }), { type: 'editRejected', message: 'm', hint: undefined });
  });

  test('a read-only graph passes only when every node is well formed', () => {
    const node = { id: 'n', op: 'Neg', name: '', inputs: ['x'], outputs: ['y'], attributes: [], shapes: [[null, 4]], state: 'unsupported', reason: 'Neg: no Keras layer' };
    const viewer = { format: 'onnx', fileName: 'm.onnx', inputs: [{ name: 'x', shape: [null, 4] }], outputs: [{ name: 'y', shape: null }], nodes: [node], graphProblems: [] };
    const msg = { type: 'viewer', fileName: 'm.onnx', message: 'm', viewer };
    assert.deepEqual(parseHostMessage(msg), { ...msg, hint: undefined });
    for (const bad of [{ ...node, state: 'broken' }, { ...node, shapes: [['4']] }, { ...node, id: '' }, { ...node, dependsOn: 'n' }]) {
      assert.equal(parseHostMessage({ ...msg, viewer: { ...viewer, nodes: [bad] } }), undefined, JSON.stringify(bad));
    }
    assert.equal(parseHostMessage({ ...msg, viewer: { ...viewer, graphProblems: [3] } }), undefined);
  });

  test('clipboard text is parsed only when it is a layer payload', () => {
    const payload = { kind: CLIPBOARD_KIND, layers: [{ name: 'd', className: 'Dense', config: { units: 2 }, inbound: [] }] };
    assert.deepEqual(parseClipboardText(JSON.stringify(payload)), payload);
    assert.equal(parseClipboardText('hello'), undefined);
    assert.equal(parseClipboardText(JSON.stringify({ kind: CLIPBOARD_KIND, layers: [{ name: 'd' }] })), undefined);
  });
});
