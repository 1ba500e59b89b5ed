/**
 * ONNX inputs Keras can take: a rank-1 input is a batch of scalars (Keras' Input(shape=()), batch_shape
 * [null]), a scalar (rank 0) has no batch axis and is refused; integer and bool inputs are fed as integers,
 * their outputs compared exactly, values beyond int32 refused when fed; element types Keras and TF.js have no
 * form for (float8, int4, bfloat16, strings) are refused with the reason.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reconcileWeights } from '../../../src/core/initializers';
import { predictTfjs, verifyModelFile, verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { DT, onnx } from '../../../src/formats/onnx/proto';
import { graph } from '../core/helpers';
import { tempDir } from '../../helpers/paths';
import { input, model, refused, type Dim } from './nodeGraphs';

/** x (and y) of `dims` and `elemType` -> one node -> z, the output declared of `outType`. */
function typed(op: string, names: string[], dims: Dim[], elemType: number, outType = elemType): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: names.map((n) => input(n, dims, elemType)),
      node: [{ name: 'n0', opType: op, input: names, output: ['z'] }],
      output: [{ name: 'z', type: { tensorType: { elemType: outType } } }],
    },
  }).finish();
}

test('a rank-1 input is a batch of scalars: InputLayer batch_input_shape [null], predicted as [N]', async () => {
  const m = importOnnx(model([['x', ['N']]], [['Relu', ['x'], 'y']]), 'm.onnx');
  const inp = m.graph.layers.find((l) => l.className === 'InputLayer')!;
  assert.deepEqual(inp.config.batch_input_shape, [null]);
  const [y] = await predictTfjs(m, [{ shape: [4], data: Float32Array.of(-1, 2, -3, 4), int: false }]);
  assert.deepEqual(y!.shape, [4]);
  assert.deepEqual(Array.from(y!.data), [0, 2, 0, 4]);
});

test('a rank-1 input with a fixed first dimension: that is the batch, which verify feeds from the file', async () => {
  const bytes = model([['x', [5]], ['w', [5]]], [['Add', ['x', 'w'], 'y']]);
  const m = importOnnx(bytes, 'm.onnx');
  assert.deepEqual(m.graph.layers.filter((l) => l.className === 'InputLayer').map((l) => l.config.batch_input_shape), [[null], [null]]);
  const file = join(tempDir('ms-onnx-inputs-'), 'add.onnx');
  writeFileSync(file, bytes);
  const r = await verifyModelFile(file);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /random inputs \[5\], \[5\]/);
});

test('a scalar input (rank 0) is refused: it has no batch axis', () => {
  refused(model([['s', []]], [['Relu', ['s'], 'y']]), /input s has rank 0 \(a scalar: Keras inputs have a batch axis\)/);
});

test('integer inputs are fed as integers to both runtimes and integer outputs must be equal', async () => {
  // (ONNX Runtime's CPU Max has no int8, uint8, int16 or uint16 kernel: the backend suite's test_max_uint8 covers those.)
  for (const t of [DT.INT32, DT.INT64, DT.UINT32, DT.UINT64]) {
    const file = join(tempDir('ms-onnx-inputs-'), `max_${t}.onnx`);
    writeFileSync(file, typed('Max', ['a', 'b'], ['N', 3], t));
    const r = await verifyModelFile(file);
    assert.ok(r.ok, r.text);
    assert.match(r.text, /\[3, 3\] int, \[3, 3\] int/);
    assert.match(r.text, /integers: must be equal/);
  }
});

test('a model with a rank-1 input exports to ONNX and back, and ONNX Runtime agrees with TF.js', async () => {
  const g = graph([['x', 'InputLayer', { batch_input_shape: [null] }, []], ['z', 'InputLayer', { batch_input_shape: [null] }, []], ['s', 'Add', {}, ['x', 'z']], ['t', 'Activation', { activation: 'tanh' }, ['s']]], ['t']);
  const file = { graph: g, weights: [] };
  const bytes = exportOnnx(file);
  const r = await verifyOnnxExport(file, bytes);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /random inputs \[3\], \[3\]/);
  const back = importOnnx(bytes, 'back.onnx');
  assert.deepEqual(back.graph.layers.filter((l) => l.className === 'InputLayer').map((l) => l.config.batch_input_shape), [[null], [null]]);
});

test('element types TF.js cannot hold exactly are refused with the reason, nothing imported', () => {
  refused(typed('Relu', ['x'], ['N', 2], 17), /input 'x' takes FLOAT8E4M3FN values; Keras and TensorFlow\.js have no such type/);
  refused(typed('Relu', ['x'], ['N', 2], 22), /input 'x' takes INT4 values/);
  refused(typed('Relu', ['x'], ['N', 2], DT.BFLOAT16), /input 'x' takes BFLOAT16 values; Keras and TensorFlow\.js have no such type/);
  refused(typed('Relu', ['x'], ['N', 2], DT.STRING), /input 'x' takes STRING values; only numeric inputs are read/);
});

test('int64, uint32 and uint64 inputs are int32 Keras inputs; integers beyond int32 are a departure with the reason, never wrapped', async () => {
  for (const t of [DT.INT64, DT.UINT32, DT.UINT64]) {
    const m = importOnnx(typed('Max', ['x', 'y'], ['N', 2], t), 'm.onnx');
    assert.deepEqual(m.graph.layers.filter((l) => l.className === 'InputLayer').map((l) => l.config.dtype), ['int32', 'int32']);
    const feed = (v: number) => ({ shape: [1, 2], data: Float64Array.of(1, v), int: true });
    const [y] = await predictTfjs(m, [feed(7), feed(5)]);
    assert.deepEqual(Array.from(y!.data), [1, 7]);
    // Beyond 2^24 (where float32 rounds): exact in and out.
    const [big] = await predictTfjs(m, [feed(2 ** 24 + 1), feed(5)]);
    assert.deepEqual(Array.from(big!.data), [1, 2 ** 24 + 1]);
    await assert.rejects(predictTfjs(m, [feed(2 ** 40), feed(5)]), (e: Error) => /holds the integer 1099511627776, and TensorFlow\.js holds integers as int32/.test(e.message));
  }
});

test('an int32 input into Keras layers exports cast to float32, as Keras computes; into an operation it is refused', async () => {
  // Keras 3.15: Dense, Activation and Add on an int32 Input give float32; keras.ops.negative keeps int32.
  const ids = (shape: (number | null)[]) => ({ batch_input_shape: shape, dtype: 'int32' });
  const g = graph([['a', 'InputLayer', ids([null, 3]), []], ['b', 'InputLayer', ids([null, 3]), []], ['s', 'Add', {}, ['a', 'b']], ['d', 'Dense', { units: 2 }, ['a']], ['r', 'Activation', { activation: 'relu' }, ['s']]], ['d', 'r']);
  const file = { graph: g, weights: reconcileWeights(g, [], 7) };
  const bytes = exportOnnx(file);
  const r = await verifyOnnxExport(file, bytes);
  assert.ok(r.ok, r.text);
  assert.match(r.text, /random inputs \[3, 3\] int, \[3, 3\] int/);
  const neg = graph([['ids', 'InputLayer', ids([null, 3]), []], ['n', 'Negative', {}, ['ids']]], ['n']);
  assert.throws(() => exportOnnx({ graph: neg, weights: [] }), /n \(Negative\): its input ids is int32: Keras computes this operation in integers, the ONNX export in float32/);
});
