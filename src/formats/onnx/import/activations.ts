/** Activations: fused into the layer before them, or Activation / ReLU / LeakyReLU / ELU / PReLU / Softmax layers. */
import type { JsonObject } from '../../../core/types';
import type { onnx } from '../proto';
import { classHint, FUSES_ACTIVATION, near, Skip, type Importer, type KT, type OpImporter, type OpImporters } from './importer';
import { isIntInput } from './scaling';

const UNARY: Record<string, string> = {
  Relu: 'relu',
  Sigmoid: 'sigmoid',
  Tanh: 'tanh',
  Softplus: 'softplus',
  Softsign: 'softsign',
  Selu: 'selu',
  Exp: 'exponential',
};

/**
 * A Keras activation: fused into the Dense / Conv that computed its input when the two belong together,
 * else a layer. `layer` is the standalone layer to make (default Activation(name)); our own files name the
 * class they came from (a ReLU layer and Activation('relu') are the same Relu node).
 */
export function activation(imp: Importer, n: onnx.INodeProto, name: string | undefined, layer?: [cls: string, config: JsonObject]): void {
  const input = n.input![0]!;
  const t = imp.kt(input, n);
  const hint = classHint(n);
  const l = name && (!hint || FUSES_ACTIVATION.includes(hint)) ? imp.fusable(t, input, FUSES_ACTIVATION, n) : undefined;
  if (l && (l.config.activation === 'linear' || l.config.activation === undefined)) {
    l.config.activation = name!;
    imp.alias(n.output![0], t);
    return;
  }
  let [cls, config] = layer ?? ['Activation', { activation: name! }];
  if (name && hint === 'Activation') [cls, config] = ['Activation', { activation: name }];
  else if (hint === 'ReLU' && name === 'relu') [cls, config] = ['ReLU', {}];
  else if (hint === 'Softmax' && name === 'softmax') [cls, config] = ['Softmax', { axis: -1 }];
  imp.alias(n.output![0], { layer: imp.addLayer(cls, config, [t.layer], n.name || name || cls), axes: t.axes });
}

/** PRelu: the slope broadcast over the ONNX tensor becomes Keras' alpha (with shared_axes where it is 1). */
function prelu(imp: Importer, n: onnx.INodeProto): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const slope = imp.constOf(n.input?.[1]);
  if (!slope) throw new Skip(`PRelu ${hint}: the slope must be a constant`);
  const R = t.axes.length;
  if (slope.dims.length > R) throw new Skip(`PRelu ${hint}: slope of higher rank than its input`);
  let sd = [...new Array<number>(R - slope.dims.length).fill(1), ...slope.dims];
  // Before opset 7 a slope of C values runs along axis 1 (channels), not numpy's last-axis alignment.
  if (imp.opset < 7 && slope.data.length > 1) {
    if (slope.dims.length !== 1 || R < 2) throw new Skip(`PRelu ${hint}: an opset ${imp.opset} slope of shape [${slope.dims}]`);
    sd = [1, slope.dims[0]!, ...new Array<number>(R - 2).fill(1)];
  }
  const inShape = imp.shapes.get(t.layer)!;
  const r = inShape.length;
  const alphaDims = new Array<number>(r - 1).fill(1);
  const strides = new Array<number>(R).fill(0);
  for (let i = R - 1, st = 1; i >= 0; i--) {
    strides[i] = sd[i] === 1 ? 0 : st;
    st *= sd[i]!;
  }
  const kStride = new Array<number>(r).fill(0);
  for (let i = 0; i < R; i++) {
    const k = t.axes[i]!;
    if (sd[i] === 1) continue;
    if (k === 'u' || k === 0) throw new Skip(`PRelu ${hint}: slope along the batch or an inserted axis`);
    alphaDims[k - 1] = sd[i]!;
    kStride[k] = strides[i]!;
  }
  const total = alphaDims.reduce((p, q) => p * q, 1);
  const data = new Float32Array(total);
  const idx = new Array<number>(r - 1).fill(0);
  for (let o = 0; o < total; o++) {
    data[o] = Number(slope.data[idx.reduce((p, v, j) => p + v * kStride[j + 1]!, 0)]);
    for (let j = r - 2; j >= 0; j--) {
      if (++idx[j]! < alphaDims[j]!) break;
      idx[j] = 0;
    }
  }
  const shared = alphaDims.map((d, j) => (d === 1 && inShape[j + 1] !== 1 ? j + 1 : 0)).filter((j) => j > 0);
  const layer = imp.addLayer('PReLU', { shared_axes: shared.length ? shared : null }, [t.layer], hint);
  imp.addWeight(layer, 'alpha', alphaDims, data);
  imp.alias(n.output![0], { layer, axes: t.axes });
}

/** ONNX Selu's defaults are Keras' selu constants (keras/src/activations/activations.py); others have no layer. */
const SELU = { alpha: 1.67326319217681884765625, gamma: 1.05070102214813232421875 };

const unary: OpImporter = (imp, n, a) => {
  if (n.opType === 'Selu' && (!near(a.float('alpha', SELU.alpha), SELU.alpha) || !near(a.float('gamma', SELU.gamma), SELU.gamma))) {
    throw new Skip(`Selu ${n.name || n.output?.[0]}: only Keras' alpha and gamma (the ONNX defaults)`);
  }
  return activation(imp, n, UNARY[n.opType!]!);
};

/** Elu and LeakyRelu: an activation by name at Keras' alpha (1 and 0.2), else an ELU / LeakyReLU / ReLU layer. */
const eluOrLeaky: OpImporter = (imp, n, a) => {
  const op = n.opType!;
  const alpha = a.float('alpha', op === 'Elu' ? 1 : 0.01);
  // Keras' 'elu' and 'leaky_relu' activations have alpha 1 and 0.2 (keras/src/activations/activations.py).
  const asActivation = op === 'Elu' ? (near(alpha, 1) ? 'elu' : undefined) : near(alpha, 0.2) ? 'leaky_relu' : undefined;
  const layer: [string, JsonObject] =
    op === 'Elu' ? ['ELU', { alpha }] : classHint(n) === 'ReLU' ? ['ReLU', { negative_slope: alpha }] : ['LeakyReLU', { alpha }];
  // Only an Activation layer or a fused activation is spelled by name; ELU / LeakyReLU / ReLU layers keep their class.
  const hinted = classHint(n);
  return activation(imp, n, hinted && hinted !== 'Activation' && !FUSES_ACTIVATION.includes(hinted) ? undefined : asActivation, layer);
};

/** Clip from 0: ReLU, relu6 or a ReLU(max_value) layer. */
/** Clip with other bounds: Keras' Clip operation, both bounds given (ONNX's absent ones are +-infinity, JSON cannot write them). */
function clipOperation(imp: Importer, n: onnx.INodeProto, lo: number | undefined, hi: number | undefined): void {
  const hint = n.name || n.output![0]!;
  if (lo === undefined || hi === undefined || !Number.isFinite(lo) || !Number.isFinite(hi)) throw new Skip(`Clip ${hint}: only with both bounds constant and finite, or a minimum of 0 (ReLU)`);
  const t = imp.kt(n.input![0]!, n);
  if (isIntInput(imp, t)) throw new Skip(`Clip ${hint}: on integer data (Keras operations compute in float here)`);
  imp.alias(n.output![0], { layer: imp.addLayer('Clip', { x_min: lo, x_max: hi }, [t.layer], hint), axes: t.axes });
}

const clip: OpImporter = (imp, n, a) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const lo = imp.constOf(ins[1])?.data[0] ?? (a.has('min') ? a.float('min', 0) : undefined);
  const hi = imp.constOf(ins[2])?.data[0] ?? (a.has('max') ? a.float('max', 0) : undefined);
  if (lo !== 0) return clipOperation(imp, n, lo, hi);
  if (hi === undefined) return activation(imp, n, 'relu', ['ReLU', {}]);
  const hinted = classHint(n);
  const relu6 = near(hi, 6) && (!hinted || hinted === 'Activation' || FUSES_ACTIVATION.includes(hinted)) ? 'relu6' : undefined;
  // A ReLU(max_value) layer, unless this is Keras' relu6 activation (fused, or an Activation layer).
  return activation(imp, n, relu6, ['ReLU', { max_value: hi }]);
};

const hardSigmoid: OpImporter = (imp, n, a) => {
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  // Keras 3's hard_sigmoid is relu6(x + 3) / 6: alpha 1/6, beta 0.5 (torch's Hardsigmoid); ONNX's default
  // alpha 0.2 is Keras 2's formula, which Keras 3 has no activation for (keras/src/activations/activations.py).
  if (!near(a.float('alpha', 0.2), 1 / 6) || !near(a.float('beta', 0.5), 0.5)) throw new Skip(`HardSigmoid ${hint}: only alpha 1/6, beta 0.5 (Keras 3's hard_sigmoid)`);
  return activation(imp, n, 'hard_sigmoid');
};

/**
 * Softmax / LogSoftmax: the activation over the last Keras axis. Another axis is first moved last by a Permute
 * (the ONNX view follows it, so no Permute back is needed): TF.js' Softmax layer runs on the last axis only.
 * Before opset 13 Softmax flattens from `axis` on: a Reshape to that 2-D form and back around the activation.
 */
const softmax: OpImporter = (imp, n, a) => {
  const op = n.opType!;
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const name = op === 'Softmax' ? 'softmax' : 'log_softmax';
  const t = imp.kt(ins[0]!, n);
  const r = t.axes.length;
  let axis = a.int('axis', imp.opset >= 13 ? -1 : 1);
  if (axis < 0) axis += r;
  if (axis === 0) throw new Skip(`${op} ${hint}: over the batch axis`);
  if (imp.opset < 13 && axis !== r - 1) return flattenedSoftmax(imp, n, t, axis, name);
  const k = t.axes[axis];
  if (k === 'u' || k === undefined) throw new Skip(`${op} ${hint}: over a size-1 axis`);
  const kr = imp.shapes.get(t.layer)!.length;
  if (k === kr - 1) return activation(imp, n, name);
  const moved = imp.withAxisLast(t, k, hint);
  imp.alias(out, { layer: imp.addLayer('Activation', { activation: name }, [moved.layer], hint), axes: moved.axes });
};

function flattenedSoftmax(imp: Importer, n: onnx.INodeProto, t: KT, axis: number, name: string): void {
  const hint = n.name || n.output![0]!;
  const shape = imp.onnxShape(t);
  const inner = shape.slice(axis);
  if (inner.some((d) => d === null)) throw new Skip(`${n.opType} ${hint}: axis ${axis} (opset ${imp.opset}) over dimensions of unknown size`);
  const p = imp.plain(t, hint);
  const flat = imp.addLayer('Reshape', { target_shape: [...shape.slice(1, axis).map((d) => d ?? -1), inner.reduce((x, y) => x! * y!, 1)] }, [p], `${hint}_flatten`);
  const act = imp.addLayer('Activation', { activation: name }, [flat], hint);
  imp.alias(n.output![0], imp.identity(imp.addLayer('Reshape', { target_shape: shape.slice(1).map((d) => d ?? -1) }, [act], `${hint}_reshape`)));
}

/** Gelu (opset 20): Keras' gelu is the exact erf form (approximate=False, keras/src/activations/activations.py). */
const geluOp: OpImporter = (imp, n, a) => {
  if (a.str('approximate', 'none') !== 'none') throw new Skip(`Gelu ${n.name || n.output?.[0]}: the tanh approximation (Keras' 'gelu' activation is the exact form)`);
  return activation(imp, n, 'gelu');
};

export const activationImporters: OpImporters = {
  Gelu: geluOp,
  Relu: unary,
  Sigmoid: unary,
  Tanh: unary,
  Softplus: unary,
  Softsign: unary,
  Selu: unary,
  Exp: unary,
  Elu: eluOrLeaky,
  LeakyRelu: eluOrLeaky,
  Clip: clip,
  MsActivation: (imp, n, a) => activation(imp, n, a.str('activation', '')),
  PRelu: prelu,
  HardSigmoid: hardSigmoid,
  Softmax: softmax,
  LogSoftmax: softmax,
};
