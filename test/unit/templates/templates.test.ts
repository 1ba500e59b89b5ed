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
  'tictactoe-zero': 29_002, // 3*3*2*32+32 + 3*3*32*32+32 + 288*64+64 + 64*9+9 + 64*1+1
  'connect4-zero': 96_456, // 3*3*2*32+32 + 3*3*32*32+32 + 1344*64+64 + 64*7+7 + 64*1+1
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

test('the self-play templates: a shared trunk, a softmax policy and a tanh value head, each with its loss, and alphazero on their game', () => {
  for (const [id, env, shape, actions] of [['tictactoe-zero', 'tictactoe', [3, 3, 2], 9], ['connect4-zero', 'connect4', [6, 7, 2], 7]] as const) {
    const file = getTemplate(id)!.build();
    const g = file.graph;
    assert.equal(g.kind, 'Functional');
    assert.deepEqual(g.outputs, ['policy', 'value']);
    const layer = (n: string) => g.layers.find((l) => l.name === n)!;
    assert.deepEqual(layer(g.inputs[0]).config.batch_input_shape, [null, ...shape]);
    assert.deepEqual([layer('policy').config.units, layer('policy').config.activation, layer('value').config.units, layer('value').config.activation], [actions, 'softmax', 1, 'tanh']);
    assert.deepEqual([layer('policy').inbound, layer('value').inbound], [['trunk'], ['trunk']], 'both heads on the shared trunk');
    const t = trainingConfigOf(file.userDefinedMetadata)!;
    assert.deepEqual([t.rl?.agent, t.rl?.environment], ['alphazero', env]);
    assert.deepEqual([t.outputs?.policy.loss, t.outputs?.value.loss], ['categorical_crossentropy', 'mean_squared_error']);
  }
});
