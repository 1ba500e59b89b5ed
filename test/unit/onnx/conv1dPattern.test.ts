/**
 * tf2onnx's Conv1D (Unsqueeze -> Transpose -> Conv with a 1 x k kernel -> Transpose -> Squeeze) imports as one
 * Conv1D layer and predicts as ONNX Runtime: both orientations of the inserted axis, padding, strides,
 * dilation, the opset-11 attribute form; a pattern that is not Conv1D's keeps the general import.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/core/analysis';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { importOnnx } from '../../../src/formats/onnx/import';
import { onnx } from '../../../src/formats/onnx/proto';

const classes = (m: ModelFile) => m.graph.layers.map((l) => l.className).join(',');

interface Variant {
  /** Where Unsqueeze inserts the size-1 axis of (batch, steps, channels): 1 gives a 1 x k kernel, 2 gives k x 1. */
  axis: 1 | 2;
  opset?: number;
  stride?: number;
  dilation?: number;
  pads?: [number, number];
  /** Leave the Squeeze out (the output keeps the size-1 axis): not Conv1D's pattern. */
  noSqueeze?: boolean;
}

const [F, C, K, T] = [4, 3, 3, 9];

/** The graph tf2onnx writes for Conv1D(F, K) on (n, T, C). */
function tf2onnxConv1d(v: Variant): Uint8Array {
  const opset = v.opset ?? 13;
  const [s, d, p] = [v.stride ?? 1, v.dilation ?? 1, v.pads ?? [0, 0]];
  // The inserted axis is H (axis 1) or W (axis 2) of NCHW; the kernel, strides, dilations and pads are 1 / 0 there.
  const two = (unit: number, x: number) => (v.axis === 1 ? [unit, x] : [x, unit]);
  const f32 = (name: string, dims: number[], data: Float32Array) => ({ name, dims, dataType: 1, rawData: new Uint8Array(data.buffer) });
  const ints = (name: string, vals: number[]) => ({ name, type: 7, ints: vals });
  const axesConst = (name: string, a: number) => ({ name, dims: [1], dataType: 7, rawData: new Uint8Array(BigInt64Array.of(BigInt(a)).buffer) });
  const axesArg = (node: onnx.INodeProto, name: string, a: number): onnx.INodeProto =>
    opset >= 13 ? { ...node, input: [...node.input!, name] } : { ...node, attribute: [ints('axes', [a])] };
  const last: onnx.INodeProto[] = v.noSqueeze ? [] : [axesArg({ opType: 'Squeeze', input: ['t2'], output: ['y'], name: 'conv1d/squeeze' }, 'ax_out', v.axis)];
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'tf2onnx',
    graph: {
      name: 'g',
      input: [{ name: 'x', type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'n' }, { dimValue: T }, { dimValue: C }] } } } }],
      output: [{ name: 'y', type: { tensorType: { elemType: 1 } } }],
      initializer: [
        f32('W', [F, C, ...two(1, K)], Float32Array.from({ length: F * C * K }, (_, i) => Math.sin(i))),
        f32('B', [F], Float32Array.from({ length: F }, (_, i) => i * 0.1)),
        axesConst('ax_in', v.axis),
        axesConst('ax_out', v.axis),
      ],
      node: [
        axesArg({ opType: 'Unsqueeze', input: ['x'], output: ['u'], name: 'conv1d/expand' }, 'ax_in', v.axis),
        { opType: 'Transpose', input: ['u'], output: ['t1'], name: 'conv1d/to_nchw', attribute: [ints('perm', [0, 3, 1, 2])] },
        {
          opType: 'Conv',
          input: ['t1', 'W', 'B'],
          output: ['c'],
          name: 'conv1d',
          attribute: [ints('kernel_shape', two(1, K)), ints('strides', two(1, s)), ints('dilations', two(1, d)), ints('pads', [...two(0, p[0]), ...two(0, p[1])])],
        },
        { opType: 'Transpose', input: ['c'], output: [v.noSqueeze ? 'y' : 't2'], name: 'conv1d/to_nhwc', attribute: [ints('perm', [0, 2, 3, 1])] },
        ...last,
      ],
    },
  }).finish();
}

describe("ONNX import of tf2onnx's Conv1D", () => {
  const variants: [string, Variant, number][] = [
    ['1 x k kernel (opset 13)', { axis: 1 }, T - K + 1],
    ['k x 1 kernel', { axis: 2 }, T - K + 1],
    ['same padding, stride 2', { axis: 1, stride: 2, pads: [1, 1] }, 5],
    ['dilation 2, same padding', { axis: 2, dilation: 2, pads: [2, 2] }, T],
    ['opset 11 (axes as attributes)', { axis: 1, opset: 11 }, T - K + 1],
  ];
  for (const [label, v, steps] of variants) {
    test(`${label}: one Conv1D layer, predictions equal ONNX Runtime`, async () => {
      const bytes = tf2onnxConv1d(v);
      const model = importOnnx(bytes, 'conv1d.onnx');
      assert.match(classes(model), /^InputLayer,(ZeroPadding1D,)?Conv1D$/);
      const conv = model.graph.layers.find((l) => l.className === 'Conv1D')!;
      assert.deepEqual([conv.config.filters, conv.config.kernel_size, conv.config.strides, conv.config.dilation_rate], [F, [K], [v.stride ?? 1], [v.dilation ?? 1]]);
      assert.deepEqual(model.weights.map((w) => [w.name.split('/')[1], w.shape]), [['kernel', [K, C, F]], ['bias', [F]]]);
      assert.deepEqual(analyze(model.graph).layers.get(model.graph.outputs[0]!)?.outputShape, [null, steps, F]);
      const r = await verifyOnnxExport(model, bytes);
      assert.ok(r.ok, r.text);
    });
  }

  test('without the Squeeze it is not Conv1D: a Conv2D on the 4-D view, still as ONNX Runtime', async () => {
    const bytes = tf2onnxConv1d({ axis: 1, noSqueeze: true });
    const model = importOnnx(bytes, 'conv2d.onnx');
    assert.match(classes(model), /Conv2D/);
    assert.doesNotMatch(classes(model), /Conv1D/);
    assert.deepEqual(analyze(model.graph).layers.get(model.graph.outputs[0]!)?.outputShape, [null, 1, T - K + 1, F]);
    const r = await verifyOnnxExport(model, bytes);
    assert.ok(r.ok, r.text);
  });

  test('damaged versions (axes out of range, a short perm, no axes, a 3-D weight) import or fail cleanly, never crash', () => {
    const damaged: [string, (g: onnx.IGraphProto) => void][] = [
      ['Unsqueeze axis 7', (g) => (g.initializer![2]!.rawData = new Uint8Array(BigInt64Array.of(7n).buffer))],
      ['3-element perm', (g) => (g.node![1]!.attribute![0]!.ints = [0, 2, 1])],
      ['Squeeze without axes', (g) => (g.node![4]!.input = ['t2'])],
      ['3-D weight', (g) => (g.initializer![0]!.dims = [F, C, K])],
    ];
    for (const [label, damage] of damaged) {
      const m = onnx.ModelProto.decode(tf2onnxConv1d({ axis: 1 }));
      damage(m.graph!);
      try {
        importOnnx(onnx.ModelProto.encode(m).finish(), 'damaged.onnx');
      } catch (e) {
        assert.ok(isUserError(e), `${label}: ${String(e)}`);
      }
    }
  });
});
