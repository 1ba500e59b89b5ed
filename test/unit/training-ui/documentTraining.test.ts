/**
 * Training from the open editor with a real worker: the run trains the document's unsaved graph and training
 * configuration (not the file on disk), and its final weights come back into the document as one undoable
 * edit, which saves exactly those weights.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../../src/core/templates';
import type { TrainingConfig } from '../../../src/core/training';
import { SessionManager } from '../../../src/engine/sessions';
import { EditableModel } from '../../../src/extension/editing/editableModel';
import { registryIo } from '../../../src/extension/editing/modelIo';
import { TrainingController } from '../../../src/extension/training/controller';
import { applyRunWeights, documentTrainingInput } from '../../../src/extension/training/documentTraining';
import { tempDir } from '../../helpers/paths';

function filesOf(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) out[f] = readFileSync(join(dir, f)).toString('base64');
  return out;
}

describe('training the open document', () => {
  const controller = new TrainingController(new SessionManager());
  after(() => controller.dispose());

  test('a run trains the unsaved document; Apply Trained Weights is one undoable edit', async () => {
    const io = await registryIo();
    const dir = tempDir();
    const modelPath = join(dir, 'xor.json');
    await io.write(modelPath, getTemplate('xor')!.build());
    const doc = new EditableModel(await io.read(modelPath), { seed: 3 });
    // Unsaved edits: a wider hidden layer and a short training configuration.
    doc.apply({ op: 'setField', layer: 'hidden', field: 'units', value: 3 });
    const training: TrainingConfig = {
      ...doc.trainingConfig!,
      epochs: 3,
      optimizer: { name: 'adam', params: { learning_rate: 0.05, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
    };
    doc.apply({ op: 'setTrainingConfig', training });
    assert.equal(doc.isDirty, true);
    const onDisk = readFileSync(modelPath);

    const input = documentTrainingInput(doc);
    assert.equal(input.unsaved, true);
    assert.deepEqual(input.training, training);
    const rec = controller.start({ model: input.model, training: input.training, engine: 'cpu', baseDir: dir, workspaceDir: dir, seed: 1 }, modelPath);
    const result = await rec.session.result;
    assert.equal(result.status, 'done', result.message);
    assert.equal(result.epochs, 3, 'the document\'s epochs, not the file\'s 500');
    assert.ok(result.finalPath);
    const trained = await io.read(result.finalPath);
    assert.deepEqual(trained.weights.find((w) => w.name === 'hidden/kernel')?.shape, [2, 3], 'the unsaved graph was trained');
    assert.deepEqual(readFileSync(modelPath), onDisk, 'training never writes the model file');

    const before = doc.toFile().weights;
    const edit = await applyRunWeights((e) => doc.apply(e), result.finalPath, rec.info.runId ?? rec.info.id, (p) => io.read(p));
    assert.match(edit.label, /^Apply weights of run /);
    const applied = doc.toFile().weights;
    assert.deepEqual(applied.map((w) => [w.name, Array.from(w.data)]), trained.weights.map((w) => [w.name, Array.from(w.data)]));

    // Save writes exactly the trained weights with the edited graph and configuration.
    const saved = tempDir();
    const expected = tempDir();
    await doc.saveTo(io, join(saved, 'xor.json'));
    await io.write(join(expected, 'xor.json'), { ...doc.toFile(), weights: trained.weights });
    assert.deepEqual(filesOf(saved), filesOf(expected));

    // Undo takes them out again: the template file was architecture-only.
    assert.equal(before.length, 0);
    doc.undo();
    assert.deepEqual(doc.toFile().weights, []);
    assert.equal(doc.trainingConfig?.epochs, 3, 'the configuration edit before it stays');
    doc.redo();
    assert.equal(doc.toFile().weights.length, applied.length);
  });
});
