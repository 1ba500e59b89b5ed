/**
 * ModelFile -> ONNX ModelProto bytes. One exporter per Keras layer class (the family modules beside this
 * file), each writing the ONNX operators that compute exactly what Keras (and TF.js, which Model Studio runs)
 * computes; `verifyOnnxExport` in src/engine/tfjs/verify.ts checks that on random inputs after every export.
 *
 * Semantics references: keras/src/layers (Keras 2.x and 3), tfjs-layers src/layers, and the ONNX operator
 * specification (https://onnx.ai/onnx/operators/). Keras 'same' padding puts the odd pixel at the end
 * (tf.nn's SAME), which is ONNX SAME_UPPER; we write it as explicit pads when the sizes are known.
 */
import { analyze, type Analysis } from '../../../core/analysis';
import { withDefaults } from '../../../core/layers';
import { isKerasOperation } from '../../../core/layers/operations';
import { UserError, type JsonObject, type LayerNode, type ModelFile, type NamedTensor, type Shape } from '../../../core/types';
import { PRODUCT_VERSION } from '../../../core/version';
import { Emitter, toFirstPerm, type Val } from '../emitter';
import { DT, onnx } from '../proto';
import { LayerContext } from './context';
import { exporterFor, unsupportedReason } from './layers';

const DEFAULT_OPSET = 17;
const MIN_OPSET = 13;
const MAX_OPSET = 21;

interface OnnxExportOptions {
  opset?: number;
  docString?: string;
  /**
   * Image inputs (see `isNchwInput`) are declared channels-first, (N, C, H, W), the layout PyTorch users feed;
   * the leading Transpose disappears. Outputs keep the Keras layout.
   */
  inputsNchw?: boolean;
}

/** Layers that consume channels-first data in ONNX: a rank-3 input feeding only these counts as an image input. */
const SPATIAL_CONSUMERS = /^(Conv|SeparableConv|DepthwiseConv|MaxPooling|AveragePooling|GlobalMaxPooling|GlobalAveragePooling|ZeroPadding|Cropping|UpSampling)/;

/**
 * The inputs `inputsNchw` moves to channels-first: float inputs of rank 4 or more (images), and rank-3 ones
 * (1-D signals) whose every consumer is a convolution, pooling, padding or upsampling layer. A rank-3 input
 * into an RNN or a Dense stays (batch, steps, features), which is also PyTorch's batch_first layout.
 */
export function isNchwInput(model: ModelFile, input: string, shape: Shape): boolean {
  const layer = model.graph.layers.find((l) => l.name === input);
  if (!layer || layer.config.dtype === 'int32' || layer.config.dtype === 'int64') return false;
  if (shape.length >= 4) return true;
  if (shape.length !== 3) return false;
  const consumers = model.graph.layers.filter((l) => l.inbound.includes(input));
  return consumers.length > 0 && consumers.every((l) => SPATIAL_CONSUMERS.test(l.className));
}

/** An InputLayer of integers (int32; int64 is written as int32, TF.js' integer type). */
function isIntInput(layer: LayerNode | undefined): boolean {
  return layer?.className === 'InputLayer' && (layer.config.dtype === 'int32' || layer.config.dtype === 'int64');
}

/** ir_version that goes with an opset (onnx/helper.py VERSION_TABLE). */
function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** The layers an export writes, in order, with their configs filled in. */
interface Plan {
  a: Analysis;
  byName: Map<string, LayerNode>;
  configs: Map<string, JsonObject>;
  order: string[];
}

/** Checks that `model` can be exported (valid, every layer supported, weights present); throws a UserError if not. */
function planExport(model: ModelFile): Plan {
  const g = model.graph;
  const a = analyze(g);
  const errors = a.diagnostics.filter((d) => d.severity === 'error');
  if (errors.length > 0) {
    throw new UserError(`The model has errors and cannot be exported: ${errors[0]!.message}`, errors[0]!.hint ?? 'fix the model first', 'onnx-invalid-model');
  }
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const configs = new Map(g.layers.map((l) => [l.name, withDefaults(l.className, l.config)]));

  // Only what leads to an output is exported (Keras' Model(inputs, outputs) does the same).
  const used = new Set<string>();
  const stack = [...g.outputs];
  while (stack.length) {
    const n = stack.pop()!;
    if (used.has(n)) continue;
    used.add(n);
    stack.push(...(byName.get(n)?.inbound ?? []));
  }
  const order = a.order.filter((n) => used.has(n));

  const unsupported: string[] = [];
  for (const n of order) {
    const l = byName.get(n)!;
    const intIn = l.inbound.find((i) => isIntInput(byName.get(i)));
    // Keras layers cast integer inputs to float32 (as the export does); its operations keep them integers.
    const why =
      intIn && isKerasOperation(l.className)
        ? `its input ${intIn} is ${String(configs.get(intIn)!.dtype)}: Keras computes this operation in integers, the ONNX export in float32`
        : unsupportedReason(l, configs.get(n)!, a.layers.get(n)?.inputShapes ?? []);
    if (why) unsupported.push(`${n} (${l.className}): ${why}`);
  }
  if (unsupported.length > 0) {
    throw new UserError(
      `ONNX export does not support ${unsupported.length === 1 ? 'this layer' : `these ${unsupported.length} layers`}: ${unsupported.join('; ')}`,
      'replace or remove them, or export to TF.js or Keras instead',
      'onnx-unsupported',
    );
  }

  const missing = a.layers.size > 0 ? order.filter((n) => (a.layers.get(n)?.weights.length ?? 0) > 0 && !model.weights.some((w) => w.name.startsWith(`${n}/`))) : [];
  if (missing.length > 0) {
    throw new UserError(`The model has no weights for ${missing.join(', ')}`, 'initialise or train the model before exporting it to ONNX', 'onnx-no-weights');
  }
  return { a, byName, configs, order };
}

/** Emits every planned layer; returns the graph's inputs and outputs. */
function emitGraph(e: Emitter, model: ModelFile, plan: Plan, opts: OnnxExportOptions): { inputs: onnx.IValueInfoProto[]; outputs: onnx.IValueInfoProto[] } {
  const g = model.graph;
  const { a, byName, configs } = plan;
  const weights = new Map<string, NamedTensor>(model.weights.map((w) => [w.name, w]));
  const vals = new Map<string, Val>();
  const inputs: onnx.IValueInfoProto[] = [];
  for (const n of g.inputs) e.reserve(n);
  for (const n of g.outputs) e.reserve(n);

  for (const n of plan.order) {
    const layer = byName.get(n)!;
    const info = a.layers.get(n)!;
    const c = configs.get(n)!;
    if (layer.className === 'InputLayer') {
      const shape = info.outputShape!;
      const int = c.dtype === 'int32' || c.dtype === 'int64';
      if (opts.inputsNchw && isNchwInput(model, n, shape)) {
        inputs.push(valueInfo(n, toFirstPerm(shape.length).map((i) => shape[i]!), DT.FLOAT));
        vals.set(n, { rank: shape.length, first: n });
      } else {
        inputs.push(valueInfo(n, shape, int ? DT.INT32 : DT.FLOAT));
        vals.set(n, { rank: shape.length, last: n, ...(int ? { dtype: 'int32' as const } : {}) });
      }
      continue;
    }
    const before = e.nodes.length;
    // Keras layers compute in float32 whatever the input's dtype (Dense on an int32 Input gives float32);
    // Embedding takes the integers themselves.
    const ins = layer.inbound.map((s) => {
      const v = vals.get(s)!;
      if (!isIntInput(byName.get(s)) || layer.className === 'Embedding') return v;
      return { rank: v.rank, last: e.op('Cast', [e.last(v, s)], `${n}/${s}`, { to: DT.FLOAT })[0]! };
    });
    const ctx = new LayerContext(e, layer, c, info.inputShapes, info.outputShape!, weights);
    vals.set(n, exporterFor(layer.className).emit(ctx, ins));
    // Names the Keras layer class on its nodes: import uses it to choose between spellings of the same
    // computation (a ReLU layer or Activation('relu'); a Softmax layer or an activation), never to compute.
    for (const node of e.nodes.slice(before)) node.docString = `Keras ${layer.className} layer ${n}`;
  }

  const outputs: onnx.IValueInfoProto[] = [];
  for (const n of g.outputs) {
    const v = vals.get(n)!;
    // An input that is also an output (a model that is only an input) needs a name of its own: ONNX graphs
    // define each name once. Its values keep the input's type.
    const isInput = g.inputs.includes(n);
    const out = isInput ? e.unique(`${n}_output`) : n;
    e.nodes.push({ name: e.unique(`${n}/Identity`), opType: 'Identity', input: [e.last(v, n)], output: [out] });
    outputs.push(valueInfo(out, a.layers.get(n)!.outputShape!, v.dtype === 'bool' ? DT.BOOL : v.dtype === 'int32' ? DT.INT32 : DT.FLOAT));
  }
  return { inputs, outputs };
}

/** Writes the ONNX ModelProto for `model`. Throws one UserError listing every layer that cannot be exported. */
export function exportOnnx(model: ModelFile, opts: OnnxExportOptions = {}): Uint8Array {
  const opset = opts.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UserError(`ONNX opset ${opset} is not supported`, `choose an opset from ${MIN_OPSET} to ${MAX_OPSET}`, 'onnx-opset');
  }
  const plan = planExport(model);
  const e = new Emitter(opset);
  const { inputs, outputs } = emitGraph(e, model, plan, opts);
  const g = model.graph;
  const proto: onnx.IModelProto = {
    irVersion: irVersionFor(opset),
    producerName: 'Model Studio',
    producerVersion: PRODUCT_VERSION,
    domain: 'com.modelstudio',
    modelVersion: 1,
    docString: opts.docString ?? `${g.name}: a Keras ${g.kind} model exported by Model Studio ${PRODUCT_VERSION}`,
    opsetImport: [{ domain: '', version: opset }],
    graph: { name: g.name, node: e.nodes, initializer: e.initializers, input: inputs, output: outputs },
  };
  return onnx.ModelProto.encode(proto).finish();
}

function valueInfo(name: string, shape: Shape, elemType: number): onnx.IValueInfoProto {
  const dim = shape.map((d, i) => (i === 0 ? { dimParam: 'batch' } : d === null ? { dimParam: `${name}_dim${i}` } : { dimValue: d }));
  return { name, type: { tensorType: { elemType, shape: { dim } } } };
}
