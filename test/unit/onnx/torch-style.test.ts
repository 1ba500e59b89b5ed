/**
 * Graphs shaped the way torch.onnx.export writes them (NCHW without Transposes, Gemm with transB=1, Constant
 * nodes, `/module/Op` names), built by hand with the protobuf schema: import must turn each into Keras
 * layers whose TF.js prediction equals ONNX Runtime's on the file. NCHW inputs come back as a channels-first
 * InputLayer followed by a Permute to channels-last (tfjs' cpu backend runs the Keras layers channels-last).
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import type { ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { importOnnx } from '../../../src/formats/onnx/import';
import { attr, floatTensor, int64Tensor, onnx, type AttrValue } from '../../../src/formats/onnx/proto';

/** A tiny torch-like graph builder: seeded weights, `/scope/Op` node names. */
class TorchGraph {
  readonly nodes: onnx.INodeProto[] = [];
  readonly inits: onnx.ITensorProto[] = [];
  private seed = 7;
  private n = 0;

  rand(dims: number[], scale = 0.5): string {
    const size = dims.reduce((a, b) => a * b, 1);
    const data = Array.from({ length: size }, () => {
      this.seed = (this.seed * 1103515245 + 12345) % 2147483648;
      return (this.seed / 2147483648 - 0.5) * 2 * scale;
    });
    const name = `p${this.n++}`;
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }

  floats(dims: number[], data: number[]): string {
    const name = `c${this.n++}`;
    this.inits.push(floatTensor(name, dims, data));
    return name;
  }

  /** torch writes small int64 tensors as Constant nodes. */
  ints(data: number[], dims = [data.length]): string {
    const name = `/Constant_${this.n++}_output_0`;
    this.nodes.push({ name: `/Constant_${this.n}`, opType: 'Constant', output: [name], attribute: [{ name: 'value', type: onnx.AttributeProto.AttributeType.TENSOR, t: int64Tensor('', dims, data) }] });
    return name;
  }

  op(scope: string, opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputs = 1): string {
    let name = `${scope}/${opType}`;
    for (let k = 1; this.nodes.some((x) => x.name === name); k++) name = `${scope}/${opType}_${k}`;
    const outs = Array.from({ length: outputs }, (_, i) => `${name}_output_${i}`);
    this.nodes.push({ name, opType, input: inputs, output: outs, attribute: Object.entries(attrs).map(([k, v]) => attr(k, v)) });
    return outs[0]!;
  }

  model(input: [string, (number | string)[]], output: string): Uint8Array {
    const dim = (d: number | string) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
    const last = this.nodes[this.nodes.length - 1]!;
    last.output![0] = 'output';
    for (const n of this.nodes) n.input = (n.input ?? []).map((i) => (i === output ? 'output' : i));
    return onnx.ModelProto.encode({
      irVersion: 8,
      producerName: 'pytorch',
      producerVersion: '2.3.0',
      opsetImport: [{ domain: '', version: 17 }],
      graph: {
        name: 'main_graph',
        node: this.nodes,
        initializer: this.inits,
        input: [{ name: input[0], type: { tensorType: { elemType: 1, shape: { dim: input[1].map(dim) } } } }],
        output: [{ name: 'output', type: { tensorType: { elemType: 1 } } }],
      },
    }).finish();
  }
}

const classes = (m: ModelFile) => m.graph.layers.map((l) => l.className).join(',');

/** Import, then: TF.js on the import equals ONNX Runtime on the file; the import exports again and matches. */
async function roundTrip(bytes: Uint8Array): Promise<ModelFile> {
  const m = importOnnx(bytes, 'torch.onnx');
  const r = await verifyOnnxExport(m, bytes, { batch: 2 });
  assert.ok(r.ok, r.text);
  const again = await verifyOnnxExport(m, exportOnnx(m), { batch: 2 });
  assert.ok(again.ok, again.text);
  return m;
}

describe('ONNX import of torch.onnx.export-style graphs', () => {
  test('CNN on NCHW input: Conv(pads)+BatchNorm+Relu, MaxPool, AveragePool, GlobalAveragePool, Flatten, Gemm transB=1, Softmax(axis=1)', async () => {
    const g = new TorchGraph();
    let x = g.op('/conv1', 'Conv', ['input', g.rand([4, 3, 3, 3]), g.rand([4])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1], strides: [1, 1], dilations: [1, 1], group: 1 });
    x = g.op('/bn1', 'BatchNormalization', [x, g.rand([4]), g.rand([4]), g.rand([4], 0.1), g.floats([4], [0.5, 1, 1.5, 2])], { epsilon: { float: 1e-5 } });
    x = g.op('/relu', 'Relu', [x]);
    x = g.op('/pool', 'MaxPool', [x], { kernel_shape: [2, 2], strides: [2, 2], pads: [0, 0, 0, 0] });
    x = g.op('/conv2', 'Conv', [x, g.rand([6, 4, 3, 3]), g.rand([6])], { kernel_shape: [3, 3], pads: [0, 0, 0, 0] });
    x = g.op('/act', 'Sigmoid', [x]);
    const branch = g.op('/avg', 'AveragePool', [x], { kernel_shape: [2, 2], strides: [1, 1] });
    x = g.op('/gap', 'GlobalAveragePool', [branch]);
    x = g.op('/flatten', 'Flatten', [x], { axis: 1 });
    x = g.op('/fc', 'Gemm', [x, g.rand([5, 6]), g.rand([5])], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 });
    x = g.op('', 'Softmax', [x], { axis: 1 });
    const m = await roundTrip(g.model(['input', ['batch_size', 3, 10, 10]], x));
    assert.deepEqual(m.graph.layers[0]!.config.batch_input_shape, [null, 3, 10, 10]);
    assert.equal(classes(m), 'InputLayer,Permute,Conv2D,BatchNormalization,Activation,MaxPooling2D,Conv2D,Activation,AveragePooling2D,GlobalAveragePooling2D,Dense');
    assert.equal(m.graph.layers[2]!.config.padding, 'same');
    assert.equal(m.graph.layers.at(-1)!.config.activation, 'softmax');
    // conv 4*27+4, bn 16, conv 6*36+6, dense 6*5+5
    assert.equal(analyze(m.graph).totals.total, 112 + 16 + 222 + 35);
  });

  test('NCHW Flatten keeps torch order; residual Add and channel Concat on NCHW tensors', async () => {
    const g = new TorchGraph();
    const a = g.op('/a', 'Conv', ['x', g.rand([3, 2, 3, 3]), g.rand([3])], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
    const b = g.op('/b', 'Conv', ['x', g.rand([3, 2, 1, 1])], { kernel_shape: [1, 1] });
    const s = g.op('', 'Add', [a, b]);
    const c = g.op('', 'Concat', [s, a], { axis: 1 });
    const r = g.op('/act', 'Tanh', [c]);
    const f = g.op('/flatten', 'Flatten', [r], { axis: 1 });
    const y = g.op('/fc', 'Gemm', [f, g.rand([4, 6 * 5 * 4])], { transB: 1 });
    const m = await roundTrip(g.model(['x', ['N', 2, 5, 4]], y));
    // The Flatten sees the (C, H, W) order torch flattens in: a Permute back to channels-first before it.
    assert.equal(classes(m), 'InputLayer,Permute,Conv2D,Conv2D,Add,Concatenate,Activation,Permute,Flatten,Dense');
  });

  test('ConvTranspose (padding=1, output_padding=1), PRelu per channel, Pad, Resize nearest, Slice', async () => {
    const g = new TorchGraph();
    let x = g.op('/up', 'ConvTranspose', ['x', g.rand([2, 3, 3, 3]), g.rand([3])], { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], output_padding: [1, 1] });
    x = g.op('/prelu', 'PRelu', [x, g.floats([3, 1, 1], [0.1, 0.2, 0.3])]);
    x = g.op('/pad', 'Pad', [x, g.ints([0, 0, 1, 0, 0, 0, 0, 2])], { mode: 'constant' });
    x = g.op('/resize', 'Resize', [x, '', g.floats([4], [1, 1, 2, 2])], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
    x = g.op('/crop', 'Slice', [x, g.ints([1, 0]), g.ints([-1, 2 ** 62]), g.ints([2, 3])]);
    const m = await roundTrip(g.model(['x', ['N', 2, 4, 3]], x));
    assert.equal(classes(m), 'InputLayer,Permute,Conv2DTranspose,Cropping2D,PReLU,ZeroPadding2D,UpSampling2D,Cropping2D,Permute');
    assert.deepEqual(m.graph.layers.find((l) => l.className === 'PReLU')!.config.shared_axes, [1, 2]);
  });

  test('LayerNormalization, MatMul on (batch, steps, features), GELU (torch association), bidirectional LSTM batch_first', async () => {
    const g = new TorchGraph();
    let x = g.op('/ln', 'LayerNormalization', ['x', g.rand([6]), g.rand([6])], { axis: -1, epsilon: { float: 1e-5 } });
    x = g.op('/proj', 'MatMul', [x, g.rand([6, 5])]);
    x = g.op('/proj', 'Add', [g.rand([5]), x]);
    const d = g.op('/gelu', 'Div', [x, g.floats([], [Math.SQRT2])]);
    const e = g.op('/gelu', 'Erf', [d]);
    const p = g.op('/gelu', 'Add', [e, g.floats([], [1])]);
    const q = g.op('/gelu', 'Mul', [x, p]);
    x = g.op('/gelu', 'Mul', [q, g.floats([], [0.5])]);
    x = g.op('/lstm', 'Transpose', [x], { perm: [1, 0, 2] });
    const [W, R, B] = [g.rand([2, 16, 5]), g.rand([2, 16, 4]), g.rand([2, 32], 0.1)];
    const y = g.op('/lstm', 'LSTM', [x, W, R, B], { hidden_size: 4, direction: 'bidirectional' }, 3);
    x = g.op('/lstm', 'Transpose', [y], { perm: [0, 2, 1, 3] });
    x = g.op('/lstm', 'Reshape', [x, g.ints([0, 0, -1])]);
    x = g.op('/out', 'Transpose', [x], { perm: [1, 0, 2] });
    const m = await roundTrip(g.model(['x', ['N', 7, 6]], x));
    assert.equal(classes(m), 'InputLayer,LayerNormalization,Dense,Activation,Bidirectional');
    assert.equal(m.graph.layers[3]!.config.activation, 'gelu');
    assert.equal(m.graph.layers[4]!.config.merge_mode, 'concat');
  });
});
