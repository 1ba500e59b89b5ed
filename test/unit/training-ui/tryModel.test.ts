/**
 * "Try the model" end to end through its worker process: a real training run of the mnist-mlp template
 * (SessionManager + worker, on real MNIST, validated on the test set's first 100 digits), then the trained
 * model classifies those 100 digits one by one through the predict worker with the accuracy the run reported.
 * The char-RNN template generates text of the requested length.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getTemplate } from '../../../src/core/templates';
import { trainingConfigOf } from '../../../src/core/training';
import { loadMnist } from '../../../src/engine/datasets/mnist';
import { writeNpy } from '../../../src/engine/datasets/npy';
import { SessionManager, trainedModel } from '../../../src/engine/sessions';
import { PredictClient } from '../../../src/extension/training/predictClient';
import { tempDir } from '../../helpers/paths';

describe('try the model (predict worker)', () => {
  const client = new PredictClient();
  after(() => client.dispose());

  test('the trained mnist-mlp classifies the first 100 test digits with the accuracy its run reported', async () => {
    const dir = tempDir('ms-try-');
    // The first 100 test digits as the run's validation set, so the run itself reports accuracy on them.
    const mnist = await loadMnist();
    const test = mnist.test;
    assert.ok(test);
    const first = await test.read([...Array(100).keys()]);
    writeFileSync(join(dir, 'x100.npy'), writeNpy({ dtype: '<f4', shape: [100, 28, 28, 1], data: first.x as Float32Array }));
    writeFileSync(join(dir, 'y100.npy'), writeNpy({ dtype: '<i4', shape: [100], data: first.y as Int32Array }));

    const template = getTemplate('mnist-mlp');
    assert.ok(template);
    const model = template.build();
    const training = { ...trainingConfigOf(model.userDefinedMetadata)!, epochs: 1, batchSize: 64, validationSplit: 0 };
    const sessions = new SessionManager();
    const s = sessions.start({
      model,
      training,
      engine: 'wasm',
      baseDir: dir,
      workspaceDir: dir,
      validationData: 'npy:x100.npy,y100.npy',
      stepsPerEpoch: 120,
      seed: 1,
    });
    let reported: number | undefined;
    s.on('message', (m) => {
      if (m.type === 'epoch') reported = m.point.metrics.val_accuracy;
    });
    const result = await s.result;
    assert.equal(result.status, 'done', result.message);
    assert.ok(result.finalPath);
    assert.ok(reported !== undefined && reported > 0.6, `run reported val_accuracy ${reported}`);

    const trained = await trainedModel(model, result.finalPath);
    const { info } = await client.load({ model: trained, training, baseDir: dir });
    assert.equal(info.kind, 'image');
    assert.equal(info.kind === 'image' && info.testSamples, 10000);
    let correct = 0;
    for (let i = 0; i < 100; i++) {
      const out = await client.predict({ kind: 'sample', index: i });
      assert.equal(out.kind, 'classes');
      if (out.kind !== 'classes') continue;
      assert.equal(out.label, first.y[i]);
      assert.ok(Math.abs(out.probs.reduce((a, b) => a + b, 0) - 1) < 1e-4);
      const pred = out.probs.indexOf(Math.max(...out.probs));
      if (pred === out.label) correct++;
    }
    const accuracy = correct / 100;
    console.log(`# run reported ${(reported * 100).toFixed(1)}%, try-the-model ${(accuracy * 100).toFixed(1)}% on the first 100 test digits`);
    assert.ok(Math.abs(accuracy - reported) <= 0.01 + 1e-9, `try-the-model ${accuracy} vs reported ${reported}`);

    // The confusion matrix over the same 100 digits agrees, and its worst samples are misclassified ones.
    const ev = await client.evaluate(100);
    assert.equal(ev.samples, 100);
    assert.equal(ev.confusion.flat().reduce((a, b) => a + b, 0), 100);
    assert.ok(Math.abs(ev.accuracy - accuracy) < 1e-9);
    for (const w of ev.worst) {
      assert.notEqual(w.label, w.predicted);
      assert.equal(w.pixels?.length, 784);
    }
  });

  test('the char-RNN template generates text of the requested length', async () => {
    const template = getTemplate('char-rnn');
    assert.ok(template);
    const model = template.build();
    const { info } = await client.load({ model, training: trainingConfigOf(model.userDefinedMetadata), baseDir: tempDir(), seed: 3 });
    assert.equal(info.kind, 'text');
    assert.equal(info.kind === 'text' && info.seqLength, 40);
    for (const length of [1, 37]) {
      const out = await client.predict({ kind: 'text', seed: 'To be, or not to be', length, temperature: 0.7 });
      assert.equal(out.kind, 'text');
      assert.equal(out.kind === 'text' && Array.from(out.generated).length, length);
    }
  });

  test('bad requests come back as plain errors, not crashes', async () => {
    const template = getTemplate('mnist-mlp');
    assert.ok(template);
    await client.load({ model: template.build(), baseDir: tempDir() });
    await assert.rejects(client.predict({ kind: 'tabular', values: [1, 2, 3] }), /needs 784 input values/);
    await assert.rejects(client.predict({ kind: 'sample', index: 0 }), /no labelled test set/);
  });
});
