/**
 * ONNX Trilu (opset 14) as Keras' Tril / Triu operations (upper 0 / 1) with a constant `k` (none: 0), on the
 * last two axes of a tensor of rank 3 or more. A `k` given at run time and a rank-2 input (whose rows are the
 * batch axis) are refused with the reason. The values are selected, never computed: integer data keeps its values.
 */
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporters } from './importer';

function trilu(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const t = imp.kt(n.input![0]!, n);
  if (t.axes.length < 3) throw new Skip(`Trilu ${hint}: on a rank-${t.axes.length} tensor, whose rows are the batch axis (Keras' tril and triu need rank 3 or more here)`);
  let k = 0;
  if (n.input?.[1]) {
    const c = imp.constOf(n.input[1]);
    if (!c || c.data.length !== 1) throw new Skip(`Trilu ${hint}: k given at run time (only a constant k)`);
    k = Number(c.data[0]);
  }
  const cls = a.int('upper', 1) === 1 ? 'Triu' : 'Tril';
  imp.alias(n.output![0], imp.identity(imp.addLayer(cls, { k }, [imp.plain(t, hint)], hint)));
}

export const matrixImporters: OpImporters = { Trilu: trilu };
