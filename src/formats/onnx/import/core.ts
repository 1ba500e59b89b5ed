/** Core operators: identities, constants and transposes (views, no layers), Dense (MatMul / Gemm) and Embedding (Gather). */
import { transposeData } from '../emitter';
import { DT, tensorValues, type Attrs, type onnx } from '../proto';
import { Skip, type Importer, type OpImporter, type OpImporters } from './importer';

/** Identity and inference-time Dropout: the same tensor (or constant) under a new name. */
const identity: OpImporter = (imp, n) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  if (imp.consts.has(ins[0]!)) imp.consts.set(out!, imp.consts.get(ins[0]!)!);
  else imp.alias(out, imp.kt(ins[0]!, n));
};

/**
 * Cast: Keras tensors stay float32 (int32 for ids), so only a cast to float or double is the same values; a
 * cast to an integer, float16 or 8-bit type rounds, truncates or saturates, which no Keras layer does.
 */
export const cast: OpImporter = (imp, n, a) => {
  const to = a.int('to', DT.FLOAT);
  const c = imp.constOf(n.input?.[0]);
  // Shape arithmetic on constants: an integer cast truncates, as ONNX's does.
  const ints: number[] = [DT.INT64, DT.INT32, DT.INT16, DT.INT8];
  if (c && ints.includes(to)) return void imp.consts.set(n.output![0]!, { dims: c.dims, data: Float64Array.from(c.data, Math.trunc) });
  // Integer ids (an int input) cast to another integer type are the same ids (our export's int32 -> int64 Gather).
  const src = c ? undefined : imp.tensors.get(n.input?.[0] ?? '');
  const intInput = src !== undefined && imp.layer(src.layer).className === 'InputLayer' && imp.layer(src.layer).config.dtype === 'int32';
  if (intInput && ints.includes(to)) return identity(imp, n, a);
  if (to !== DT.FLOAT && to !== DT.DOUBLE) throw new Skip(`Cast ${n.name || n.output?.[0]} to ${DT[to] ?? `type ${to}`}: Keras layers compute in float32`);
  identity(imp, n, a);
};

const constant: OpImporter = (imp, n, a) => {
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  // The number forms (opset 12): one float or int is a scalar, a list is a vector.
  const one = a.has('value_float') ? a.float('value_float', 0) : a.has('value_int') ? a.int('value_int', 0) : undefined;
  if (one !== undefined) return void imp.consts.set(out!, { dims: [], data: Float64Array.of(one), dataType: a.has('value_float') ? DT.FLOAT : DT.INT64 });
  const list = a.floats('value_floats') ?? a.ints('value_ints');
  if (list) return void imp.consts.set(out!, { dims: [list.length], data: Float64Array.from(list), dataType: a.has('value_floats') ? DT.FLOAT : DT.INT64 });
  const v = (n.attribute ?? []).find((x) => x.name === 'value')?.t;
  if (!v) throw new Skip(`Constant ${hint}: only tensor and number values are supported (not strings or sparse tensors)`);
  const tv = tensorValues(v);
  imp.consts.set(out!, { dims: tv.dims, data: tv.data, dataType: tv.dataType });
};

/** A transpose is a new view of the same Keras tensor: no layer. */
const transpose: OpImporter = (imp, n, a) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const t = imp.kt(ins[0]!, n);
  const perm = a.ints('perm') ?? t.axes.map((_, i) => t.axes.length - 1 - i);
  imp.alias(out, { layer: t.layer, axes: perm.map((i) => t.axes[i]!) });
};

function dense(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const hint = n.name || n.output![0]!;
  const w = imp.constOf(ins[1]);
  if (!w || w.dims.length !== 2) throw new Skip(`${n.opType} ${hint}: only with a constant 2-D weight (Dense)`);
  if (n.opType === 'Gemm' && a.int('transA', 0) !== 0) throw new Skip(`Gemm ${hint}: transA=1`);
  const t = imp.kt(ins[0]!, n);
  const x = imp.plain(t, hint);
  let kernel = Float32Array.from(w.data);
  let [rows, units] = w.dims as [number, number];
  if (n.opType === 'Gemm' && a.int('transB', 0) === 1) {
    kernel = transposeData(w.data, w.dims, [1, 0]).data;
    [rows, units] = [units, rows];
  }
  const alpha = n.opType === 'Gemm' ? a.float('alpha', 1) : 1;
  if (alpha !== 1) kernel = kernel.map((v) => v * alpha);
  const c = imp.constOf(ins[2]);
  const layer = imp.addLayer('Dense', { units, activation: 'linear', use_bias: c !== undefined }, [x], hint);
  imp.addWeight(layer, 'kernel', [rows, units], kernel);
  if (c) {
    const beta = a.float('beta', 1);
    if (c.data.length !== units) throw new Skip(`Gemm ${hint}: bias of ${c.data.length} values for ${units} units`);
    imp.addWeight(layer, 'bias', [units], Float32Array.from(c.data, (v) => v * beta));
  }
  imp.alias(n.output![0], imp.identity(layer));
}

/** Gather from a constant table: Embedding. */
const gather: OpImporter = (imp, n, a) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const table = imp.constOf(ins[0]);
  if (!table || table.dims.length !== 2 || a.int('axis', 0) !== 0) throw new Skip(`Gather ${hint}: only a lookup in a constant (rows, features) table (Embedding)`);
  const t = imp.kt(ins[1]!, n);
  const idx = imp.plain(t, hint);
  const layer = imp.addLayer('Embedding', { input_dim: table.dims[0]!, output_dim: table.dims[1]! }, [idx], hint);
  imp.addWeight(layer, 'embeddings', table.dims, table.data);
  imp.alias(out, imp.identity(layer));
};

export const coreImporters: OpImporters = {
  Identity: identity,
  Dropout: identity,
  Cast: cast,
  Constant: constant,
  Transpose: transpose,
  MatMul: dense,
  Gemm: dense,
  Gather: gather,
};
