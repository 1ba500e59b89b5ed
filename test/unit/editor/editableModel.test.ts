/**
 * The model document on the host side, without vscode: edits, undo/redo, dirty state, save, revert,
 * hot-exit backup and restore, each checked against files written independently of the document.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLayer, emptyGraph, findLayer, setConfigField } from '../../../src/core/graph';
import { reconcileWeights } from '../../../src/core/initializers';
import { newLayerConfig } from '../../../src/core/layers';
import { getTemplate } from '../../../src/core/templates';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { EditableModel } from '../../../src/extension/editing/editableModel';
import { registryIo, type ModelIo } from '../../../src/extension/editing/modelIo';

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-doc-'));

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f)).toString('base64');
  return out;
}

/** The XOR model built through the document, the way the editor's intents arrive. */
function buildXor(doc: EditableModel): void {
  doc.apply({ op: 'append', className: 'InputLayer' });
  doc.apply({ op: 'setField', layer: 'input_layer', field: 'batch_input_shape', value: [null, 2] });
  doc.apply({ op: 'append', className: 'Dense', after: 'input_layer' });
  doc.apply({ op: 'setField', layer: 'dense', field: 'units', value: 2 });
  doc.apply({ op: 'setField', layer: 'dense', field: 'activation', value: 'sigmoid' });
  doc.apply({ op: 'append', className: 'Dense', after: 'dense' });
  doc.apply({ op: 'setField', layer: 'dense_1', field: 'units', value: 1 });
  doc.apply({ op: 'setField', layer: 'dense_1', field: 'activation', value: 'sigmoid' });
  doc.apply({ op: 'relayout', positions: { input_layer: { x: 0, y: 0 }, dense: { x: 0, y: 110 }, dense_1: { x: 0, y: 220 } } });
}

/** The same model built directly with the core operations: what the saved file must contain. */
function expectedXor(): ModelFile {
  let g = emptyGraph('xor');
  let r = appendLayer(g, 'InputLayer', undefined, { config: newLayerConfig('InputLayer'), position: { x: 0, y: 0 } });
  g = setConfigField(r.graph, 'input_layer', 'batch_input_shape', [null, 2]);
  r = appendLayer(g, 'Dense', 'input_layer', { config: newLayerConfig('Dense'), position: { x: 0, y: 110 } });
  g = setConfigField(setConfigField(r.graph, 'dense', 'units', 2), 'dense', 'activation', 'sigmoid');
  r = appendLayer(g, 'Dense', 'dense', { config: newLayerConfig('Dense'), position: { x: 0, y: 220 } });
  g = setConfigField(setConfigField(r.graph, 'dense_1', 'units', 1), 'dense_1', 'activation', 'sigmoid');
  // Positions are on the layers; the format writes them to userDefinedMetadata.modelStudio.layout.
  return { graph: g, weights: [] };
}

describe('EditableModel', () => {
  test('a layer picked with a layer selected goes into its chain; with branch, it starts a second head (undoable)', () => {
    const doc = new EditableModel({ graph: emptyGraph('heads'), weights: [] });
    buildXor(doc);
    doc.apply({ op: 'append', className: 'Dropout', after: 'dense' });
    assert.deepEqual(findLayer(doc.graph, 'dense_1')?.inbound, ['dropout'], 'into the chain: the consumer re-wired');
    assert.deepEqual(doc.graph.outputs, ['dense_1']);
    doc.apply({ op: 'append', className: 'Dense', after: 'dense', branch: true });
    assert.deepEqual(findLayer(doc.graph, 'dense_2')?.inbound, ['dense'], 'a branch off the trunk');
    assert.deepEqual(findLayer(doc.graph, 'dropout')?.inbound, ['dense'], 'the chain is left as it was');
    assert.deepEqual(doc.graph.outputs, ['dense_1', 'dense_2']);
    doc.undo();
    assert.deepEqual(doc.graph.outputs, ['dense_1']);
    assert.equal(findLayer(doc.graph, 'dense_2'), undefined);
  });

  test('edits are applied by the core operations and each one is undoable', () => {
    const doc = new EditableModel({ graph: emptyGraph('xor'), weights: [] });
    assert.equal(doc.isDirty, false);
    const states = [doc.graph];
    buildXor(doc);
    assert.equal(doc.isDirty, true);
    assert.deepEqual(doc.graph.outputs, ['dense_1']);
    assert.deepEqual(findLayer(doc.graph, 'dense_1')?.inbound, ['dense']);
    assert.equal(doc.analysis().totals.total, 9);
    assert.deepEqual(doc.analysis().diagnostics.filter((d) => d.severity === 'error'), []);

    const after = structuredClone(doc.graph);
    let undone = 0;
    while (doc.undo()) undone++;
    assert.equal(undone, 9);
    assert.deepEqual(doc.graph, states[0]);
    assert.equal(doc.isDirty, false, 'undoing every edit returns to the saved state');
    while (doc.redo());
    assert.deepEqual(doc.graph, after);
    assert.equal(doc.isDirty, true);
  });

  test('a rejected edit changes nothing and is not recorded', () => {
    const doc = new EditableModel(getTemplate('xor')!.build());
    const before = doc.snapshot;
    assert.throws(() => doc.apply({ op: 'setField', layer: doc.graph.layers[1].name, field: 'units', value: -1 }), /at least 1/);
    assert.throws(() => doc.apply({ op: 'add', className: 'NoSuchLayer' }), /Unknown layer type/);
    assert.throws(() => doc.apply({ op: 'connect', from: 'nope', to: doc.graph.layers[1].name }), /No layer named/);
    assert.equal(doc.snapshot, before);
    assert.equal(doc.canUndo, false);
    assert.equal(doc.isDirty, false);
  });

  test('paste and duplicate copy layers with fresh names, keeping connections among them', () => {
    const doc = new EditableModel({ graph: emptyGraph(), weights: [] });
    buildXor(doc);
    const payload = doc.copyPayload(['dense', 'dense_1']);
    const other = new EditableModel({ graph: emptyGraph('other'), weights: [] });
    other.apply({ op: 'paste', payload, at: { x: 500, y: 500 } });
    assert.deepEqual(other.graph.layers.map((l) => [l.name, l.inbound]), [['dense', []], ['dense_1', ['dense']]]);
    assert.deepEqual(other.graph.layers.map((l) => l.position), [{ x: 500, y: 500 }, { x: 500, y: 610 }]);
    const e = doc.apply({ op: 'duplicate', names: ['dense', 'dense_1'] });
    assert.deepEqual(e.created, ['dense_2', 'dense_1_1']);
    assert.deepEqual(findLayer(doc.graph, 'dense_1_1')?.inbound, ['dense_2']);
    assert.deepEqual(doc.state('m.json').created, ['dense_2', 'dense_1_1']);
  });

  test('save writes exactly the files the core would write for the same model, positions included', async () => {
    const io = await registryIo();
    const doc = new EditableModel({ graph: emptyGraph('xor'), weights: [] });
    buildXor(doc);
    const a = tmp();
    const b = tmp();
    await doc.saveTo(io, join(a, 'model.json'));
    assert.equal(doc.isDirty, false);
    await io.write(join(b, 'model.json'), expectedXor());
    assert.deepEqual(filesOf(a), filesOf(b));
    const json = JSON.parse(readFileSync(join(a, 'model.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata.modelStudio.layout, { input_layer: { x: 0, y: 0 }, dense: { x: 0, y: 110 }, dense_1: { x: 0, y: 220 } });

    // Reopening restores the positions into the graph.
    const reopened = new EditableModel(await io.read(join(a, 'model.json')));
    assert.deepEqual(findLayer(reopened.graph, 'dense_1')?.position, { x: 0, y: 220 });
    assert.deepEqual(reopened.graph.layers.map((l) => [l.name, l.inbound]), doc.graph.layers.map((l) => [l.name, l.inbound]));
  });

  test('save keeps weights that still fit, renames them with their layer, and never involves a webview', async () => {
    const io = await registryIo();
    const file = getTemplate('xor')!.build();
    file.weights = reconcileWeights(file.graph, [], 1);
    const doc = new EditableModel(file, { seed: 2 });
    const [first] = file.graph.layers.filter((l) => l.className === 'Dense');
    const kernel = file.weights.find((w) => w.name === `${first.name}/kernel`)!;
    doc.apply({ op: 'rename', from: first.name, to: 'hidden' });
    // Written synchronously from host state: the edit just applied is in the file, no round trip needed.
    const dir = tmp();
    let wrote: ModelFile | undefined;
    const spy: ModelIo = { read: io.read, write: (p, f, id) => ((wrote = f), io.write(p, f, id)) };
    await doc.saveTo(spy, join(dir, 'model.json'));
    assert.ok(wrote);
    const saved = wrote.weights.find((w) => w.name === 'hidden/kernel');
    assert.ok(saved, 'weights follow the renamed layer');
    assert.deepEqual(Array.from(saved.data), Array.from(kernel.data));
    const back = await io.read(join(dir, 'model.json'));
    assert.deepEqual(Array.from(back.weights.find((w) => w.name === 'hidden/kernel')!.data), Array.from(kernel.data));
  });

  test('the weight count of the Model panel follows the file after a save (new layers get their tensors)', async () => {
    const io = await registryIo();
    const file = getTemplate('xor')!.build();
    file.weights = reconcileWeights(file.graph, [], 1);
    const doc = new EditableModel(file, { seed: 2 });
    assert.equal(doc.state('xor.json').weightCount, 4);
    const last = file.graph.layers[file.graph.layers.length - 1].name;
    doc.apply({ op: 'append', className: 'Dense', after: last });
    let fired = 0;
    doc.onDidChange(() => fired++);
    await doc.saveTo(io, join(tmp(), 'model.json'));
    const state = doc.state('xor.json');
    // The new Dense layer's kernel and bias were written: 6 tensors in the file, and the panels were told.
    assert.equal(state.weightCount, 6);
    assert.equal(state.dirty, false);
    assert.equal(fired, 1);
  });

  test('a save that fails leaves the old files intact and the document dirty', async () => {
    const io = await registryIo();
    const dir = tmp();
    const target = join(dir, 'model.json');
    const file = getTemplate('xor')!.build();
    file.weights = reconcileWeights(file.graph, [], 1);
    await io.write(target, file);
    const oldJson = readFileSync(target);
    const doc = new EditableModel(await io.read(target), { seed: 2 });
    const dense = doc.graph.layers.find((l) => l.className === 'Dense')!.name;
    doc.apply({ op: 'setField', layer: dense, field: 'activation', value: 'relu' });
    // The weights file cannot be replaced: a folder stands where it goes. (A read-only folder would not
    // stop root, whom these tests may run as.)
    rmSync(join(dir, 'weights.bin'));
    mkdirSync(join(dir, 'weights.bin'));
    await assert.rejects(doc.saveTo(io, target, doc.sourceFormat), (e: unknown) => {
      assert.ok(isUserError(e), String(e));
      assert.match(e.message, /Could not save model\.json/);
      assert.match(e.hint ?? '', /nothing was changed on disk/);
      return true;
    });
    assert.deepEqual(readFileSync(target), oldJson, 'the old model.json is intact');
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'weights.bin'], 'no temp or backup file is left');
    assert.equal(doc.isDirty, true, 'the unsaved edit is still unsaved');
    // Once the obstacle is gone, the same document saves and is clean.
    rmSync(join(dir, 'weights.bin'), { recursive: true });
    await doc.saveTo(io, target, doc.sourceFormat);
    assert.equal(doc.isDirty, false);
    assert.equal((await io.read(target)).graph.layers.find((l) => l.name === dense)?.config.activation, 'relu');
  });

  test('revert brings back the file on disk and clears dirty state and history', async () => {
    const io = await registryIo();
    const dir = tmp();
    const path = join(dir, 'model.json');
    await io.write(path, expectedXor());
    const doc = new EditableModel(await io.read(path));
    const onDisk = structuredClone(doc.graph);
    doc.apply({ op: 'setField', layer: 'dense', field: 'units', value: 8 });
    doc.apply({ op: 'remove', names: ['dense_1'] });
    assert.equal(doc.isDirty, true);
    doc.reset(await io.read(path));
    assert.deepEqual(doc.graph, onDisk);
    assert.equal(doc.isDirty, false);
    assert.equal(doc.canUndo, false);
  });

  test('backup and restore: the restored document is dirty and saves the same files as the original', async () => {
    const io = await registryIo();
    const file = getTemplate('mnist-mlp')!.build();
    file.weights = reconcileWeights(file.graph, [], 3);
    const doc = new EditableModel(file, { seed: 4 });
    const dense = file.graph.layers.find((l) => l.className === 'Dense')!.name;
    doc.apply({ op: 'setField', layer: dense, field: 'activation', value: 'tanh' });
    doc.apply({ op: 'move', positions: { [dense]: { x: 12, y: 34 } } });
    const restored = EditableModel.fromBackup(doc.backupBytes(), { seed: 4 });
    assert.equal(restored.isDirty, true);
    assert.deepEqual(restored.graph, doc.graph);
    const a = tmp();
    const b = tmp();
    await doc.saveTo(io, join(a, 'model.json'));
    await restored.saveTo(io, join(b, 'model.json'));
    assert.deepEqual(filesOf(a), filesOf(b));
    assert.equal(restored.isDirty, false);
    assert.throws(() => EditableModel.fromBackup(new TextEncoder().encode('{"kind":"other"}')), /not a Model Studio backup/);
  });

  test('state carries shapes, parameters and diagnostics for the webview', () => {
    const doc = new EditableModel({ graph: emptyGraph(), weights: [] });
    buildXor(doc);
    doc.apply({ op: 'append', className: 'InputLayer' });
    doc.apply({ op: 'setField', layer: 'input_layer_1', field: 'batch_input_shape', value: [null, 3, 4] });
    doc.apply({ op: 'add', className: 'Concatenate', position: { x: 300, y: 300 } });
    doc.apply({ op: 'connect', from: 'dense', to: 'concatenate' });
    doc.apply({ op: 'connect', from: 'input_layer_1', to: 'concatenate' });
    const s = doc.state('model.json');
    assert.deepEqual(s.graph.inputs, ['input_layer', 'input_layer_1']);
    assert.deepEqual(s.graph.outputs, ['dense_1'], 'a new input does not become an output');
    assert.deepEqual(s.layers.find((l) => l.name === 'dense')?.outputShape, [null, 2]);
    assert.ok(s.diagnostics.some((d) => d.layer === 'concatenate' && d.severity === 'error'));
    assert.match(s.summaryText, /Total params/);
    assert.equal(s.dirty, true);
  });
});
