/**
 * ONNX export of the layers issue 15 added: the inference-time identities, Rescaling, Normalization (and its
 * invert), UnitNormalization and GroupNormalization, each run in ONNX Runtime and compared with our TF.js
 * prediction (at most 1e-5 apart); the layers with no ONNX form are refused by name, nothing written.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { isUserError, type JsonObject, type ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { onnx } from '../../../src/formats/onnx/proto';
import { writeModel } from '../../../src/formats/registry';
import { tempDir } from '../../helpers/paths';
import { chain } from './models';

const TOL = 1e-5;
const opsOf = (bytes: Uint8Array): string[] => onnx.ModelProto.decode(bytes).graph!.node!.map((n) => n.opType ?? '');

/** Exports `file` (at `opset`), runs it in ONNX Runtime and checks it equals TF.js within 1e-5; returns the ops. */
async function exportsExactly(file: ModelFile, opset?: number): Promise<string[]> {
  const bytes = exportOnnx(file, opset === undefined ? {} : { opset });
  const r = await verifyOnnxExport(file, bytes, { tolerance: TOL });
  assert.ok(r.ok, r.text);
  assert.ok(r.maxAbs <= TOL, `${file.graph.name}: max difference ${r.maxAbs}`);
  console.log(`# ${file.graph.name}${opset ? ` opset ${opset}` : ''}: max |ONNX Runtime - TF.js| = ${r.maxAbs}`);
  return opsOf(bytes);
}

/** Sets the weight `layer/suffix` to `values` (repeated over its size). */
function setWeight(file: ModelFile, name: string, values: number[]): void {
  const w = file.weights.find((t) => t.name.endsWith(name));
  assert.ok(w, `no weight ${name} in ${file.weights.map((t) => t.name).join(', ')}`);
  w.data = Float32Array.from(w.data, (_, i) => values[i % values.length]!);
}

describe('ONNX export of the layers that are the identity at inference', () => {
  test('noise, dropout variants, ActivityRegularization and Identity write no node; Rescaling is Mul + Add', async () => {
    const seq = chain('identities_1d', [6, 4], [
      ['GaussianNoise', { stddev: 0.3 }],
      ['AlphaDropout', { rate: 0.2 }],
      ['SpatialDropout1D', { rate: 0.5 }],
      ['Rescaling', { scale: 2, offset: 0.25 }],
      ['Identity', {}],
    ]);
    assert.deepEqual(await exportsExactly(seq), ['Mul', 'Add', 'Identity']);
    const vol = chain('identities_3d', [3, 4, 5, 2], [['GaussianDropout', { rate: 0.3 }], ['SpatialDropout3D', { rate: 0.5 }]]);
    assert.deepEqual(await exportsExactly(vol), ['Identity']);
    assert.deepEqual(await exportsExactly(chain('identities_2d', [4, 5, 2], [['SpatialDropout2D', { rate: 0.5 }]])), ['Identity']);
  });

  test('ActivityRegularization (which TF.js cannot run, so no comparison) writes no node: the output is the Dense', () => {
    const file = chain('activity', [4], [['Dense', { units: 3 }], ['ActivityRegularization', { l1: 0.01, l2: 0.01 }]]);
    assert.deepEqual(opsOf(exportOnnx(file)), ['Gemm', 'Identity']);
  });
});

describe('ONNX export of Normalization', () => {
  test('adapted weights, one mean/variance per feature: Sub then Div by max(sqrt(variance), 1e-7), a zero variance included', async () => {
    const file = chain('normalization', [4, 5], [['Normalization', { axis: -1 }]]);
    setWeight(file, 'l0/mean', [0.5, -1, 2, 0, 3]);
    setWeight(file, 'l0/variance', [4, 0.25, 0, 1e-16, 9]);
    assert.deepEqual(await exportsExactly(file), ['Cast', 'Sub', 'Div', 'Identity']);
  });

  test('invert: mean + x * scale; two kept axes; config numbers and a config list', async () => {
    const inv = chain('normalization_invert', [4, 3], [['Normalization', { axis: [1, 2], invert: true }]]);
    setWeight(inv, 'l0/mean', [0.5, -1, 2, 0, 3, 1]);
    setWeight(inv, 'l0/variance', [4, 0.25, 0, 2, 9, 1]);
    assert.deepEqual(await exportsExactly(inv), ['Cast', 'Mul', 'Add', 'Identity']);
    await exportsExactly(chain('normalization_int', [3], [['Normalization', { axis: -1, mean: [1, 2, 3], variance: [4, 1, 0.25] }]], 'int32'));
    await exportsExactly(chain('normalization_given', [5], [['Normalization', { axis: -1, mean: 3, variance: 2 }]]));
    await exportsExactly(chain('normalization_given_list', [2, 3], [['Normalization', { axis: -1, mean: [1, 2, 3], variance: [0.5, 2, 0] }]]));
  });
});

describe('ONNX export of UnitNormalization and GroupNormalization', () => {
  test('UnitNormalization over the last axis and over two axes: ReduceSum of squares, Sqrt, Reciprocal, Min 1e12, Mul', async () => {
    assert.deepEqual(await exportsExactly(chain('unit', [6], [['UnitNormalization', {}]])), ['Mul', 'ReduceSum', 'Sqrt', 'Reciprocal', 'Min', 'Mul', 'Identity']);
    await exportsExactly(chain('unit_axes', [3, 4, 2], [['Conv2D', { filters: 3, kernel_size: [2, 2], padding: 'same' }], ['UnitNormalization', { axis: [1, 2] }]]));
  });

  test('GroupNormalization after a Conv2D, with groups, one group per channel, no scale/center, and at opset 18 (ReduceMean axes as an input)', async () => {
    const conv = chain('group', [5, 4, 3], [['Conv2D', { filters: 6, kernel_size: [3, 3], padding: 'same' }], ['GroupNormalization', { groups: 3, epsilon: 0.01 }]]);
    setWeight(conv, 'l1/gamma', [1.5, -0.5, 2, 1, 0.25, 3]);
    setWeight(conv, 'l1/beta', [0.1, -0.2, 0.3]);
    await exportsExactly(conv);
    await exportsExactly(conv, 18);
    await exportsExactly(chain('group_each', [7, 4], [['GroupNormalization', { groups: -1, center: false, scale: false }]]));
    await exportsExactly(chain('group_axis1', [4, 6], [['GroupNormalization', { groups: 2, axis: 1 }]]));
  });
});

describe('ONNX export of the 3D and 1D convolution family', () => {
  const conv3 = (c: JsonObject): JsonObject => ({ filters: 3, kernel_size: [2, 3, 2], activation: 'tanh', ...c });
  test('Conv3D, Conv3DTranspose, pooling, padding, cropping, upsampling and global pooling in 3D', async () => {
    await exportsExactly(chain('vol', [5, 6, 4, 2], [
      ['ZeroPadding3D', { padding: [[1, 0], [0, 2], [1, 1]] }],
      ['Conv3D', conv3({ padding: 'same', strides: [2, 1, 1] })],
      ['Conv3D', conv3({ padding: 'valid', dilation_rate: [1, 2, 1] })],
      ['MaxPooling3D', { pool_size: [1, 2, 2], padding: 'same' }],
      ['Conv3DTranspose', conv3({ strides: [2, 2, 1], padding: 'same' })],
      ['AveragePooling3D', { pool_size: [2, 2, 2], padding: 'same' }],
      ['Cropping3D', { cropping: [[1, 0], [0, 1], [0, 0]] }],
      ['UpSampling3D', { size: [2, 1, 3] }],
      ['GlobalMaxPooling3D', {}],
    ]));
    await exportsExactly(chain('vol_avg', [4, 4, 4, 2], [['Conv3DTranspose', conv3({ padding: 'valid' })], ['GlobalAveragePooling3D', {}]]));
  });

  test('Conv1DTranspose and DepthwiseConv1D', async () => {
    await exportsExactly(chain('seq1d', [9, 3], [
      ['Conv1DTranspose', { filters: 4, kernel_size: [3], strides: [2], padding: 'same' }],
      ['DepthwiseConv1D', { kernel_size: [3], depth_multiplier: 2, padding: 'valid' }],
      ['Conv1DTranspose', { filters: 2, kernel_size: [2], strides: [3], padding: 'valid' }],
    ]));
  });
});

describe('ONNX export of CenterCrop', () => {
  test('an odd and an even margin: a Slice on rows and columns; an image smaller than the crop is refused', async () => {
    const file = chain('center_crop', [9, 6, 2], [['Conv2D', { filters: 3, kernel_size: [2, 2] }], ['CenterCrop', { height: 5, width: 3 }], ['Flatten', {}]]);
    assert.ok((await exportsExactly(file)).includes('Slice'));
    const small = chain('crop_small', [4, 4, 1], [['CenterCrop', { height: 6, width: 2 }]]);
    assert.throws(() => exportOnnx(small), (e: unknown) => isUserError(e) && /l0 \(CenterCrop\): an image smaller than the crop/.test((e as Error).message));
  });
});

describe('ONNX export of Attention and AdditiveAttention', () => {
  test('dot (with and without scale), concat, additive; query/value and query/value/key inputs', async () => {
    const steps = (cls: string, c: JsonObject, from: string[]): [string, JsonObject, string[]] => [cls, c, from];
    const file = chain('attention', [5, 4], [
      ['Dense', { units: 4, activation: 'tanh' }],
      ['Conv1D', { filters: 4, kernel_size: [2], padding: 'same' }, 'x'],
      steps('Attention', {}, ['x', 'l0']),
      steps('Attention', { use_scale: true }, ['l2', 'l1', 'l0']),
      steps('Attention', { score_mode: 'concat', use_scale: true }, ['l3', 'l1']),
      steps('AdditiveAttention', {}, ['l4', 'l0', 'l1']),
      steps('AdditiveAttention', { use_scale: false }, ['l5', 'x']),
    ]);
    setWeight(file, 'l3/scale', [0.7]);
    setWeight(file, 'l4/scale', [1.3]);
    setWeight(file, 'l4/concat_score_weight', [0.6]);
    setWeight(file, 'l5/scale', [0.5, -1, 2, 0.25]);
    const ops = await exportsExactly(file);
    assert.equal(ops.filter((o) => o === 'Softmax').length, 5);
    const images = chain('attention_4d', [2, 3, 4], [['Attention', {}, ['x', 'x']]]);
    assert.throws(() => exportOnnx(images), (e: unknown) => isUserError(e) && /l0 \(Attention\): only \(batch, steps, features\) inputs/.test((e as Error).message));
  });
});

describe('ONNX export of MultiHeadAttention', () => {
  test('self-attention, and query/value/key of other lengths with value_dim, output_shape and no biases', async () => {
    await exportsExactly(chain('mha_self', [4, 6], [['MultiHeadAttention', { num_heads: 2, key_dim: 3 }, ['x', 'x']]]));
    const cross = chain('mha_cross', [5, 6], [
      ['Conv1D', { filters: 4, kernel_size: [3], padding: 'valid' }],
      ['Dense', { units: 4, activation: 'tanh' }, 'l0'],
      ['MultiHeadAttention', { num_heads: 3, key_dim: 2, value_dim: 5, output_shape: 7, use_bias: false }, ['x', 'l0', 'l1']],
    ]);
    assert.deepEqual((await exportsExactly(cross)).filter((o) => o === 'Softmax'), ['Softmax']);
    const axes = chain('mha_axes', [4, 6], [['MultiHeadAttention', { num_heads: 2, key_dim: 3, attention_axes: [1] }, ['x', 'x']]]);
    assert.throws(() => exportOnnx(axes), (e: unknown) => isUserError(e) && /l0 \(MultiHeadAttention\): attention_axes other than the default/.test((e as Error).message));
  });
});

describe('ONNX export refuses the layers it cannot write, by name', () => {
  const refused: [string, ModelFile][] = [
    ['ConvLSTM2D', chain('convlstm', [3, 5, 5, 2], [['ConvLSTM2D', { filters: 2, kernel_size: [3, 3] }]])],
    ['ConvLSTM1D', chain('convlstm1d', [3, 5, 2], [['ConvLSTM1D', { filters: 2, kernel_size: [3] }]])],
    ['Resizing', chain('resizing', [6, 6, 2], [['Resizing', { height: 3, width: 4 }]])],
    ['Masking', chain('masking', [4, 3], [['Masking', {}]])],
  ];
  test('GroupNormalization with an unknown size after the channels axis, and Normalization with a nested config list: refused with the reason', () => {
    const cases: [ModelFile, RegExp][] = [
      [chain('group_unknown', [4, null], [['GroupNormalization', { groups: 2, axis: 1 }]]), /l0 \(GroupNormalization\): the axes after the channels axis must have known sizes/],
      [chain('norm_nested', [2, 2], [['Normalization', { axis: [1, 2], mean: [[1, 2], [3, 4]], variance: [[1, 1], [1, 1]] }]]), /l0 \(Normalization\): a nested mean or variance list/],
    ];
    for (const [file, message] of cases) assert.throws(() => exportOnnx(file), (e: unknown) => isUserError(e) && message.test((e as Error).message));
  });

  for (const [className, file] of refused) {
    test(`${className}: a clear error naming the layer, nothing written`, async () => {
      const dir = tempDir();
      const out = path.join(dir, 'm.onnx');
      await assert.rejects(writeModel(out, file), (e: unknown) => {
        assert.ok(isUserError(e));
        assert.match((e as Error).message, new RegExp(`l0 \\(${className}\\): ONNX export does not support this layer`));
        return true;
      });
      assert.ok(!existsSync(out));
    });
  }
});
