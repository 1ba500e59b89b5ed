/** Merges: Add / Sub / Mul / Max / Min / Mean / Sum of tensors (or a bias folded into Dense / Conv), Concat, Dot. */
import type { Attrs, onnx } from '../proto';
import { FUSES_BIAS, Skip, type Importer, type OpImporter, type OpImporters } from './importer';
import { constantOperand, isIntInput } from './scaling';

function binary(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const op = n.opType!;
  const hint = n.name || n.output![0]!;
  // Before opset 7 `broadcast` with `axis` aligns the second operand at that axis, not numpy's suffix rule.
  if (imp.opset < 7 && a.int('broadcast', 0) === 1 && a.has('axis')) throw new Skip(`${op} ${hint}: opset ${imp.opset} broadcast along an axis`);
  const constIdx = ins.findIndex((i) => imp.consts.has(i));
  if (constIdx >= 0) {
    // A constant bias after a Dense / Conv without one: fold it in (Keras' use_bias).
    const c = imp.consts.get(ins[constIdx]!)!;
    const other = ins[1 - constIdx]!;
    const t = imp.kt(other, n);
    const l = op === 'Add' && ins.length === 2 ? imp.fusable(t, other, FUSES_BIAS, n) : undefined;
    if (l && l.config.use_bias === false && (l.config.activation ?? 'linear') === 'linear') {
      const shape = imp.shapes.get(l.name)!;
      const ch = shape[shape.length - 1]!;
      // The bias runs along the channel axis: last for Dense (plain), axis 1 for NCHW conv outputs.
      const chAxis = t.axes.indexOf(shape.length - 1);
      const offset = t.axes.length - c.dims.length;
      const okShape = c.data.length === ch && c.dims.every((d, i) => d === 1 || i + offset === chAxis);
      if (okShape) {
        l.config.use_bias = true;
        imp.addWeight(l.name, 'bias', [ch], c.data);
        imp.alias(n.output![0], t);
        return;
      }
    }
    if (ins.length === 2 && ['Add', 'Sub', 'Mul', 'Div'].includes(op)) return constantOperand(imp, n, c, other, constIdx === 0);
    throw new Skip(`${op} ${hint}: with a constant operand (only Add, Sub, Mul and Div of two operands)`);
  }
  const ts = ins.map((i) => imp.kt(i, n));
  const t0 = ts[0]!;
  // Sum / Max / Min / Mean of one tensor is that tensor (a Keras merge layer needs two).
  if (ts.length === 1 && ['Sum', 'Max', 'Min', 'Mean'].includes(op)) return imp.alias(n.output![0], t0);
  if (t0.axes.includes('u')) throw new Skip(`${op} ${hint}: of tensors with size-1 axes`);
  const batches = new Set(ts.map((t) => imp.declaredBatch(t.layer)).filter((b) => b !== undefined));
  if (batches.size > 1) throw new Skip(`${op} ${hint}: broadcasts over the batch axis (batch sizes ${[...batches].join(' and ')})`);
  // Div: Keras' Divide operation (integer division truncates in ONNX; Keras operations compute in float here).
  if (op === 'Div' && ts.some((t) => isIntInput(imp, t))) throw new Skip(`Div ${hint}: of integer data`);
  if (op === 'Div' && ts[1]!.axes.length !== t0.axes.length) throw new Skip(`Div ${hint}: of tensors of different ranks`);
  const layers = ts.map((t, i) => (i === 0 ? t.layer : imp.viewAs(t, t0.axes as number[], hint)));
  const cls = { Add: 'Add', Sum: 'Add', Sub: 'Subtract', Mul: 'Multiply', Max: 'Maximum', Min: 'Minimum', Mean: 'Average', Div: 'Divide' }[op];
  if (!cls) throw new Skip(`${op} ${hint}: of two tensors`);
  imp.alias(n.output![0], { layer: imp.addLayer(cls, {}, layers, hint), axes: t0.axes });
}

const concat: OpImporter = (imp, n, a) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const ts = ins.map((i) => imp.kt(i, n));
  const t0 = ts[0]!;
  let axis = a.int('axis', 1);
  if (axis < 0) axis += t0.axes.length;
  const layers = ts.map((t, i) => (i === 0 ? t.layer : imp.viewAs(t, t0.axes as number[], hint)));
  if (t0.axes.includes('u')) throw new Skip(`Concat ${hint}: of tensors with size-1 axes`);
  const k = t0.axes[axis] as number;
  const layer = imp.addLayer('Concatenate', { axis: k === imp.shapes.get(t0.layer)!.length - 1 ? -1 : k }, layers, hint);
  imp.alias(out, { layer, axes: t0.axes });
};

/** The product-and-sum `foldPatterns` recognizes: Dot. */
const dot: OpImporter = (imp, n) => {
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const [p, q] = ins.map((i) => imp.plain(imp.kt(i, n), hint));
  if (imp.shapes.get(p!)!.length !== 2 || imp.shapes.get(q!)!.length !== 2) throw new Skip(`ReduceSum ${hint}: a dot product of tensors of rank > 2`);
  imp.alias(out, imp.identity(imp.addLayer('Dot', { axes: 1 }, [p!, q!], hint)));
};

export const mergeImporters: OpImporters = {
  Add: binary,
  Sub: binary,
  Mul: binary,
  Div: binary,
  Sum: binary,
  Max: binary,
  Min: binary,
  Mean: binary,
  Concat: concat,
  MsDot: dot,
};
