/** Pooling: MaxPool / AveragePool and their global forms. */
import { toFirstPerm } from '../emitter';
import type { Attrs, onnx } from '../proto';
import { padding } from './convolution';
import { Skip, type Axis, type Importer, type OpImporter, type OpImporters } from './importer';

function pool(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  const r = t.axes.length;
  const nsp = r - 2;
  if (nsp < 1 || nsp > 2) throw new Skip(`${n.opType} ${hint}: ${nsp}-D pooling`);
  const x = imp.viewAs(t, toFirstPerm(r), hint);
  const kernel = a.ints('kernel_shape')!;
  const strides = a.ints('strides') ?? new Array<number>(nsp).fill(1);
  const dil = a.ints('dilations') ?? new Array<number>(nsp).fill(1);
  if (dil.some((d) => d !== 1)) throw new Skip(`${n.opType} ${hint}: dilations`);
  const pad = padding(a, imp.shapes.get(x)!.slice(1, -1), kernel, strides, dil, `${n.opType} ${hint}`);
  if (pad.pads) throw new Skip(`${n.opType} ${hint}: padding that is neither 'same' nor 'valid'`);
  const max = n.opType === 'MaxPool';
  if (!max && pad.padding === 'same' && a.int('count_include_pad', 0) !== 0) throw new Skip(`AveragePool ${hint}: count_include_pad=1 with padding`);
  if (a.int('ceil_mode', 0) !== 0 && pad.padding === 'valid') {
    const sizes = imp.shapes.get(x)!.slice(1, -1);
    if (sizes.some((s, i) => s === null || (s - kernel[i]!) % strides[i]! !== 0)) throw new Skip(`${n.opType} ${hint}: ceil_mode=1`);
  }
  const cls = `${max ? 'Max' : 'Average'}Pooling${nsp}D`;
  const layer = imp.addLayer(cls, { pool_size: kernel, strides, padding: pad.padding }, [x], hint);
  imp.alias(n.output![0], { layer, axes: toFirstPerm(r) });
}

const globalPool: OpImporter = (imp, n) => {
  const op = n.opType!;
  const ins = n.input ?? [];
  const out = n.output?.[0];
  const hint = n.name || out || n.opType!;
  const t = imp.kt(ins[0]!, n);
  const r = t.axes.length;
  const k = imp.viewAs(t, toFirstPerm(r), hint);
  const cls = `Global${op === 'GlobalMaxPool' ? 'Max' : 'Average'}Pooling${r - 2}D`;
  const layer = imp.addLayer(cls, {}, [k], hint);
  // ONNX keeps the spatial axes with size 1: (N, C, 1, ...).
  imp.alias(out, { layer, axes: [0, 1, ...new Array<Axis>(r - 2).fill('u')] });
};

export const poolingImporters: OpImporters = {
  MaxPool: pool,
  AveragePool: pool,
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
};
