/**
 * ONNX RMSNormalization (opset 23) as Keras' RMSNormalization: over the trailing axes from `axis` (seen as the
 * trailing axes of a Keras tensor, a Permute first where they are not), `epsilon` (ONNX's default 1e-5 written
 * out: Keras' is 1e-6), the constant scale as the layer's `scale` weight. A scale given at run time, one that
 * only broadcasts to the normalized shape, and the batch axis are refused with the reason.
 */
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporters } from './importer';

function rmsNorm(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  let t = imp.kt(n.input![0]!, n);
  const R = t.axes.length;
  const first = a.int('axis', -1) < 0 ? a.int('axis', -1) + R : a.int('axis', -1);
  if (first <= 0 || first >= R) throw new Skip(`RMSNormalization ${hint}: axis ${a.int('axis', -1)} ${first === 0 ? 'takes in the batch axis' : `out of range for rank ${R}`}`);
  const count = R - first;
  const r = imp.shapes.get(t.layer)!.length;
  if (!Array.from({ length: count }, (_, j) => t.axes[first + j] === r - count + j).every(Boolean)) t = imp.identity(imp.plain(t, hint));
  const shape = imp.shapes.get(t.layer)!;
  const dims = shape.slice(shape.length - count);
  if (dims.some((d) => d === null)) throw new Skip(`RMSNormalization ${hint}: over axes of unknown size`);
  const size = (dims as number[]).reduce((p, q) => p * q, 1);
  const scale = imp.constOf(n.input?.[1]);
  if (!scale) throw new Skip(`RMSNormalization ${hint}: scale must be a constant (an initializer), not a value given at run time`);
  if (scale.data.length !== size) throw new Skip(`RMSNormalization ${hint}: scale of ${scale.data.length} values for a normalized shape of ${size} (only the full shape)`);
  const axis = count === 1 ? -1 : dims.map((_, j) => shape.length - count + j);
  const layer = imp.addLayer('RMSNormalization', { axis, epsilon: a.float('epsilon', 1e-5) }, [t.layer], hint);
  imp.addWeight(layer, 'scale', dims as number[], scale.data);
  imp.alias(n.output![0], { layer, axes: t.axes });
}

export const rmsNormalizationImporters: OpImporters = { RMSNormalization: rmsNorm };
