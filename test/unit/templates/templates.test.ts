import { test } from 'node:test';
import assert from 'node:assert/strict';
import { templates, getTemplate } from '../../../src/core/templates';
import { analyze } from '../../../src/core/analysis';
import { trainingConfigOf } from '../../../src/core/training';

// Totals as Keras' model.summary() reports them for the same architectures (worked out per layer in comments).
const expectedTotals: Record<string, number> = {
  xor: 9, // 2*2+2 + 2*1+1
  'linear-regression': 4,
  'mnist-mlp': 535_818, // 784*512+512 + 512*256+256 + 256*10+10
  'mnist-cnn': 225_034, // 320 + 18,496 + 1600*128+128 + 1,290
  autoencoder: 50_992, // 784*32+32 + 32*784+784
  'char-rnn': 97_888, // 96*32 + 4*(128*(32+128)+128) + 128*96+96
  'cartpole-dqn': 770, // 4*24+24 + 24*24+24 + 24*2+2
  'cartpole-pg': 898, // 4*128+128 + 128*2+2
  'resnet-block': 38_218, // 896 + 4 * 9,248 + 330
};

test('every template builds a model without diagnostics and with Keras parameter totals', () => {
  assert.deepEqual(templates.map((t) => t.id).sort(), Object.keys(expectedTotals).sort());
  for (const t of templates) {
    const file = t.build();
    const a = analyze(file.graph);
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), [], `${t.id} has errors`);
    assert.equal(a.totals.total, expectedTotals[t.id], `${t.id} total params`);
    assert.ok(trainingConfigOf(file.userDefinedMetadata), `${t.id} carries a training config`);
    assert.ok(file.trainingConfig && typeof file.trainingConfig.loss === 'string', `${t.id} carries a Keras training_config`);
  }
});

test('templates build independent copies', () => {
  const a = getTemplate('xor')!.build();
  const b = getTemplate('xor')!.build();
  a.graph.layers[1].config.units = 7;
  assert.equal(b.graph.layers[1].config.units, 2);
});

test('resnet-block is functional with two Add skip connections', () => {
  const g = getTemplate('resnet-block')!.build().graph;
  assert.equal(g.kind, 'Functional');
  const adds = g.layers.filter((l) => l.className === 'Add');
  assert.equal(adds.length, 2);
  for (const add of adds) assert.equal(add.inbound.length, 2);
});
