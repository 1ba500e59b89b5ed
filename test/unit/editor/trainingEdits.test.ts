/**
 * The document's two non-graph edits: `setTrainingConfig` (the Training panel's Apply) and `setWeights`
 * (Apply Trained Weights). Each is one undoable edit; undo, redo, save and backup produce exactly the files
 * the formats registry writes for the expected model, and invalid input is refused without a trace.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { kerasTrainingConfig, type TrainingConfig } from '../../../src/core/training';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { EditableModel } from '../../../src/extension/editing/editableModel';
import { registryIo } from '../../../src/extension/editing/modelIo';
import { parseWebviewMessage } from '../../../src/protocol/editor';

const tmp = () => mkdtempSync(join(tmpdir(), 'ms-train-edit-'));

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f)).toString('base64');
  return out;
}

/** The xor template with weights and a saved layout, as a file opened from disk would be. */
function xorFile(seed = 1): ModelFile {
  const file = getTemplate('xor')!.build();
  file.weights = reconcileWeights(file.graph, [], seed);
  file.graph.layers.forEach((l, i) => (l.position = { x: 0, y: 110 * i }));
  return file;
}

const NEW_CONFIG: TrainingConfig = {
  dataset: 'csv:data/xor.csv?label=y',
  target: 'labels',
  optimizer: { name: 'adam', params: { learning_rate: 0.01, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
  loss: 'binary_crossentropy',
  metrics: ['accuracy'],
  epochs: 200,
  batchSize: 4,
  validationSplit: 0.25,
  shuffle: false,
  callbacks: [
    { class_name: 'EarlyStopping', config: { monitor: 'val_loss', min_delta: 0.001, patience: 5, restore_best_weights: true } },
    { class_name: 'ReduceLROnPlateau', config: { monitor: 'loss', factor: 0.5, patience: 3, min_delta: 0.0001, cooldown: 0, min_lr: 0 } },
    { class_name: 'Histograms', config: { freq: 2 } },
  ],
};

/** What the saved file must hold after the edit: the original with both training records replaced. */
function withConfig(file: ModelFile, t: TrainingConfig): ModelFile {
  const out = structuredClone(file);
  out.userDefinedMetadata = { ...(out.userDefinedMetadata ?? {}), modelStudio: { training: structuredClone(t) as never } };
  out.trainingConfig = kerasTrainingConfig(t);
  return out;
}

describe('setTrainingConfig', () => {
  test('is one undoable edit; undo, redo, save and backup give exactly the expected files', async () => {
    const io = await registryIo();
    const original = xorFile();
    const doc = new EditableModel(structuredClone(original), { seed: 1 });
    const graphBefore = structuredClone(doc.graph);
    const edit = doc.apply({ op: 'setTrainingConfig', training: NEW_CONFIG });
    assert.equal(edit.label, 'Configure training');
    assert.equal(doc.isDirty, true);
    assert.equal(doc.canUndo, true);
    assert.deepEqual(doc.graph, graphBefore, 'the graph is untouched');
    assert.deepEqual(doc.trainingConfig, NEW_CONFIG);
    assert.deepEqual(doc.state('xor.json').training, NEW_CONFIG);

    const saved = tmp();
    const expected = tmp();
    await doc.saveTo(io, join(saved, 'xor.json'));
    assert.equal(doc.isDirty, false);
    await io.write(join(expected, 'xor.json'), withConfig(original, NEW_CONFIG));
    assert.deepEqual(filesOf(saved), filesOf(expected));
    const json = JSON.parse(readFileSync(join(saved, 'xor.json'), 'utf8'));
    assert.deepEqual(json.userDefinedMetadata.modelStudio.training, NEW_CONFIG);
    assert.deepEqual(json.trainingConfig.optimizer_config, { class_name: 'Adam', config: NEW_CONFIG.optimizer.params });
    assert.ok(json.userDefinedMetadata.modelStudio.layout, 'the layout saved beside the config is kept');

    // Undo: the original configuration (and the original files) come back.
    assert.ok(doc.undo());
    assert.equal(doc.isDirty, true, 'the saved state had the new config');
    const undone = tmp();
    const orig = tmp();
    await doc.saveTo(io, join(undone, 'xor.json'));
    await io.write(join(orig, 'xor.json'), original);
    assert.deepEqual(filesOf(undone), filesOf(orig));
    assert.equal(doc.trainingConfig?.optimizer.name, 'sgd');

    // Redo and a hot-exit backup carry the new configuration.
    assert.ok(doc.redo());
    const restored = EditableModel.fromBackup(doc.backupBytes(), { seed: 1 });
    assert.deepEqual(restored.trainingConfig, NEW_CONFIG);
    const fromBackup = tmp();
    await restored.saveTo(io, join(fromBackup, 'xor.json'));
    assert.deepEqual(filesOf(fromBackup), filesOf(expected));
  });

  test('a model without a configuration gets one; graph edits after it keep it', () => {
    const file = xorFile();
    delete file.userDefinedMetadata;
    delete file.trainingConfig;
    const doc = new EditableModel(file);
    assert.equal(doc.state('m.json').training, null);
    doc.apply({ op: 'setTrainingConfig', training: NEW_CONFIG });
    doc.apply({ op: 'setField', layer: 'hidden', field: 'units', value: 3 });
    assert.deepEqual(doc.toFile().userDefinedMetadata, { modelStudio: { training: NEW_CONFIG } });
    doc.undo();
    doc.undo();
    assert.equal(doc.toFile().userDefinedMetadata, undefined);
    assert.equal(doc.toFile().trainingConfig, undefined);
  });

  test('invalid configurations are refused and change nothing', () => {
    const doc = new EditableModel(xorFile());
    const before = doc.snapshot;
    const bad: [string, unknown, RegExp][] = [
      ['batch size 0', { ...NEW_CONFIG, batchSize: 0 }, /batchSize: must be at least 1/],
      ['fractional epochs', { ...NEW_CONFIG, epochs: 2.5 }, /epochs: must be a whole number/],
      ['negative learning rate', { ...NEW_CONFIG, optimizer: { name: 'adam', params: { ...NEW_CONFIG.optimizer.params, learning_rate: -1 } } }, /optimizer\.learning_rate: must be above 0/],
      ['two kinds of clipping', { ...NEW_CONFIG, optimizer: { name: 'adam', params: { ...NEW_CONFIG.optimizer.params, clipnorm: 1, clipvalue: 0.5 } } }, /optimizer\.clipvalue: only one of clipnorm, clipvalue and global_clipnorm/],
      ['negative weight decay', { ...NEW_CONFIG, optimizer: { name: 'adamw', params: { learning_rate: 0.1, weight_decay: -1 } } }, /optimizer\.weight_decay: must be at least 0/],
      ['param of another optimizer', { ...NEW_CONFIG, optimizer: { name: 'sgd', params: { learning_rate: 0.1, beta_1: 0.9 } } }, /sgd has no setting beta_1/],
      ['unknown optimizer', { ...NEW_CONFIG, optimizer: { name: 'lion', params: { learning_rate: 0.1 } } }, /optimizer: choose one of/],
      ['validation split 1', { ...NEW_CONFIG, validationSplit: 1 }, /validationSplit: must be below 1/],
      ['unknown loss', { ...NEW_CONFIG, loss: 'mean_cubed_error' }, /loss: choose one of/],
      ['unknown metric', { ...NEW_CONFIG, metrics: ['f1'] }, /metrics/],
      ['csv without a path', { ...NEW_CONFIG, dataset: 'csv:' }, /dataset\.path: enter a file/],
      ['unknown dataset', { ...NEW_CONFIG, dataset: 'cifar10' }, /unknown dataset "cifar10"/],
      ['no dataset', { ...NEW_CONFIG, dataset: null }, /choose a dataset/],
      ['monitor of a metric not computed', { ...NEW_CONFIG, callbacks: [{ class_name: 'EarlyStopping', config: { monitor: 'val_mae', patience: 2 } }] }, /EarlyStopping\.monitor/],
      ['negative patience', { ...NEW_CONFIG, callbacks: [{ class_name: 'EarlyStopping', config: { patience: -1 } }] }, /EarlyStopping\.patience: must be at least 0/],
      ['plateau factor 1', { ...NEW_CONFIG, callbacks: [{ class_name: 'ReduceLROnPlateau', config: { factor: 1 } }] }, /ReduceLROnPlateau\.factor: must be below 1/],
      ['two schedules', { ...NEW_CONFIG, callbacks: [{ class_name: 'StepDecay', config: {} }, { class_name: 'ExponentialDecay', config: {} }] }, /one learning-rate schedule/],
      ['unknown callback', { ...NEW_CONFIG, callbacks: [{ class_name: 'CSVLogger', config: {} }] }, /unknown callback "CSVLogger"/],
      ['not an object', 'adam', /not a training configuration/],
      ['an output with an unknown loss', { ...NEW_CONFIG, outputs: { dense_1: { loss: 'mean_cubed_error', metrics: [] } } }, /outputs\.dense_1\.loss: choose one of/],
      ['a negative loss weight', { ...NEW_CONFIG, outputs: { dense_1: { loss: 'huber', metrics: [], lossWeight: -0.5 } } }, /outputs\.dense_1\.lossWeight: must be at least 0/],
      ['an empty data-map entry', { ...NEW_CONFIG, dataMap: { input: '' } }, /dataMap\.input: enter the name of an array/],
    ];
    for (const [what, training, re] of bad) {
      assert.throws(
        () => doc.apply({ op: 'setTrainingConfig', training: training as TrainingConfig }),
        (e: unknown) => {
          assert.ok(isUserError(e), `${what}: ${String(e)}`);
          assert.match(e.message, re, what);
          assert.equal(e.code, 'invalid-training-config');
          return true;
        },
        what,
      );
    }
    assert.equal(doc.snapshot, before);
    assert.equal(doc.canUndo, false);
    assert.equal(doc.isDirty, false);
  });

  test('the webview message is shape-checked before the host looks at the values', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'edit', edit: { op: 'setTrainingConfig', training: NEW_CONFIG } }), {
      type: 'edit',
      edit: { op: 'setTrainingConfig', training: NEW_CONFIG },
    });
    assert.equal(parseWebviewMessage({ type: 'edit', edit: { op: 'setTrainingConfig', training: [1] } }), undefined);
    assert.equal(parseWebviewMessage({ type: 'edit', edit: { op: 'setTrainingConfig', training: { epochs: Infinity } } }), undefined);
    // Weights never come from a webview.
    assert.equal(parseWebviewMessage({ type: 'edit', edit: { op: 'setWeights', weights: [] } }), undefined);
    assert.deepEqual(parseWebviewMessage({ type: 'browseDataset', kind: 'csv' }), { type: 'browseDataset', kind: 'csv' });
    assert.equal(parseWebviewMessage({ type: 'browseDataset', kind: 'mnist' }), undefined);
  });
});

describe('setWeights', () => {
  test('trained weights read from a run folder are one undoable edit; save writes exactly them', async () => {
    const io = await registryIo();
    const original = xorFile(1);
    const doc = new EditableModel(structuredClone(original), { seed: 1 });
    // A run's final model (TF.js format, as the worker writes it), read back the way Apply Trained Weights does.
    const run = tmp();
    const trainedWeights = reconcileWeights(original.graph, [], 99);
    await io.write(join(run, 'model.json'), { ...structuredClone(original), weights: trainedWeights });
    const trained = await io.read(join(run, 'model.json'));

    const edit = doc.apply({ op: 'setWeights', weights: trained.weights, label: 'Apply weights of run r1' });
    assert.equal(edit.label, 'Apply weights of run r1');
    assert.equal(doc.isDirty, true);
    assert.deepEqual(doc.toFile().weights.map((w) => [w.name, Array.from(w.data)]), trainedWeights.map((w) => [w.name, Array.from(w.data)]));

    const saved = tmp();
    const expected = tmp();
    await doc.saveTo(io, join(saved, 'xor.json'));
    await io.write(join(expected, 'xor.json'), { ...structuredClone(original), weights: trainedWeights });
    assert.deepEqual(filesOf(saved), filesOf(expected));

    assert.ok(doc.undo());
    const undone = tmp();
    const orig = tmp();
    await doc.saveTo(io, join(undone, 'xor.json'));
    await io.write(join(orig, 'xor.json'), original);
    assert.deepEqual(filesOf(undone), filesOf(orig), 'undo brings back the old weights');
    assert.ok(doc.redo());
    assert.deepEqual(Array.from(doc.toFile().weights[0].data), Array.from(trainedWeights[0].data));
  });

  test('weights that no longer fit the graph are refused', () => {
    const original = xorFile(1);
    const trained = reconcileWeights(original.graph, [], 5);
    const doc = new EditableModel(structuredClone(original));
    doc.apply({ op: 'setField', layer: 'hidden', field: 'units', value: 4 });
    const before = doc.snapshot;
    assert.throws(
      () => doc.apply({ op: 'setWeights', weights: trained }),
      (e: unknown) => isUserError(e) && e.code === 'weights-mismatch' && /hidden\/kernel has shape \[2, 2\], the model needs \[2, 4\]/.test(e.message),
    );
    assert.equal(doc.snapshot, before);
    const same = new EditableModel(structuredClone(original));
    assert.throws(() => same.apply({ op: 'setWeights', weights: trained.slice(1) }), /hidden\/kernel is missing/);
    assert.throws(() => same.apply({ op: 'setWeights', weights: [...trained, { ...trained[0], name: 'ghost/kernel' }] }), /ghost\/kernel is not a weight of this model/);
    assert.equal(same.canUndo, false);
  });
});
