/**
 * Keras' `model.summary()` text, in the tf.keras 2 layout (tensorflow/python/keras/utils/layer_utils.py
 * `print_summary`): sequential-like models get 65 columns with Layer (type) / Output Shape / Param #;
 * other functional models get 98 columns and a "Connected to" column. Cells are cut to their column width
 * exactly as Keras does, so long names read "max_pooling2d_1 (MaxPooling2".
 */
import { analyze, type Analysis } from '../analysis';
import { formatShape } from '../layers/shapeMath';
import type { ModelGraph } from '../types';

export { formatShape };

/** `34826` as `34,826`. */
export function formatCount(n: number): string {
  return Math.round(n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Keras' `print_row`: each field is cut to its column and padded; a column's last char is a space. */
function row(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((fld, i) => {
    if (i > 0) line = `${line.slice(0, -1)} `;
    line += fld;
    line = line.slice(0, positions[i]);
    line += ' '.repeat(positions[i] - line.length);
  });
  return line;
}

/**
 * tf.keras' `sequential_like` test: a Sequential, or a functional graph where every node has one input
 * tensor and each layer is used once on a single chain.
 */
function sequentialLike(g: ModelGraph): boolean {
  if (g.kind === 'Sequential') return true;
  if (g.inputs.length > 1 || g.outputs.length > 1) return false;
  const fanOut = new Map<string, number>();
  for (const l of g.layers) {
    if (l.inbound.length > 1) return false;
    for (const s of l.inbound) fanOut.set(s, (fanOut.get(s) ?? 0) + 1);
  }
  for (const n of fanOut.values()) if (n > 1) return false;
  return true;
}

export function summaryTextKeras2(g: ModelGraph, a: Analysis = analyze(g)): string {
  const seq = sequentialLike(g);
  const width = seq ? 65 : 98;
  const positions = (seq ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]).map((p) => Math.floor(width * p));
  const header = seq ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const lines: string[] = [`Model: "${g.name}"`, '_'.repeat(width), row(header, positions), '='.repeat(width)];

  const nodes = new Map(g.layers.map((l) => [l.name, l]));
  // A Sequential model's `layers` leaves out its InputLayer; a functional one lists it.
  const names = a.order.filter((n) => !(g.kind === 'Sequential' && nodes.get(n)?.className === 'InputLayer'));
  names.forEach((name, i) => {
    const node = nodes.get(name);
    const info = a.layers.get(name);
    const className = node?.className ?? '?';
    const shape = info?.outputShape ?? null;
    // tf.keras 2 reports an InputLayer's output_shape as a list of one shape.
    const shapeText = shape ? (className === 'InputLayer' ? `[${formatShape(shape)}]` : formatShape(shape)) : '?';
    const params = String((info?.trainableParams ?? 0) + (info?.nonTrainableParams ?? 0));
    const cells = [`${name} (${className})`, shapeText, params];
    if (seq) lines.push(row(cells, positions));
    else {
      const conns = (node?.inbound ?? []).map((s) => `${s}[0][0]`);
      lines.push(row([...cells, conns[0] ?? ''], positions));
      for (const c of conns.slice(1)) lines.push(row(['', '', '', c], positions));
    }
    lines.push((i === names.length - 1 ? '=' : '_').repeat(width));
  });
  if (names.length === 0) lines.push('='.repeat(width));

  const { total, trainable, nonTrainable } = a.totals;
  lines.push(
    `Total params: ${formatCount(total)}`,
    `Trainable params: ${formatCount(trainable)}`,
    `Non-trainable params: ${formatCount(nonTrainable)}`,
    '_'.repeat(width),
  );
  return lines.join('\n');
}
