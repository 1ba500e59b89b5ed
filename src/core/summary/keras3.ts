/**
 * Keras 3's `model.summary()` text (keras/src/utils/summary_utils.py `print_summary`, rendered by rich as in
 * a captured, colourless console): a box table of 88 columns (Layer (type) / Output Shape / Param #) for
 * sequential-like models, 108 with "Connected to" otherwise, both narrowed to the terminal's width minus 4;
 * then the totals with their sizes in float32 bytes.
 */
import type { Analysis } from '../analysis';
import type { ModelGraph } from '../types';
import { renderBoxTable, type BoxColumn } from './boxTable';
import { kerasLayerOrder } from './kerasOrder';
import { roundHalfEven } from './boxTable';
import { formatCount } from './keras2';

/** Keras 3's `format_shape`: `(None, 28, 28, 1)`, and `(None)` for one dimension (no tuple comma). */
export function formatShapeKeras3(shape: readonly (number | null)[] | null | undefined): string {
  if (!shape) return '?';
  return `(${shape.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
}

/** Python's `'{:.2f}'`: exact halves (1.125 KB is a dyadic fraction) round to even, where `toFixed` rounds up. */
function fixed2(x: number): string {
  const hundredths = x * 100;
  return Number.isInteger(hundredths * 2) && !Number.isInteger(hundredths) ? (roundHalfEven(hundredths) / 100).toFixed(2) : x.toFixed(2);
}

/** `readable_memory_size`: 1024-based units with two decimals. */
export function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${fixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${fixed2(size)} PB`;
}

/** The table's width: Keras' default, or the terminal's width minus 4 when that is smaller. */
export function keras3LineLength(sequentialLike: boolean, terminalColumns?: number): number {
  const preferred = sequentialLike ? 88 : 108;
  // Keras raises "Insufficient console width" below about 14 columns; we keep a readable minimum instead.
  return terminalColumns === undefined ? preferred : Math.max(40, Math.min(preferred, terminalColumns - 4));
}

/** Keras computes each column's width as `int(position * line_length)` minus the columns before it. */
function columnsFor(sequentialLike: boolean, lineLength: number): BoxColumn[] {
  const positions = sequentialLike ? [0.45, 0.8, 1] : [0.3, 0.56, 0.74, 1];
  const headers = ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  let current = 0;
  return positions.map((p, i) => {
    const width = Math.floor(p * lineLength) - current;
    current += width;
    return { header: headers[i]!, justify: i === 2 ? 'right' : 'left', width };
  });
}

/** Float32 weights: 4 bytes a parameter (the size Keras reports for our models). */
const BYTES_PER_PARAM = 4;

export function summaryTextKeras3(g: ModelGraph, a: Analysis, terminalColumns?: number): string {
  const { names, sequentialLike } = kerasLayerOrder(g);
  // Layers no output depends on (while editing) are still shown, after the model's own.
  const listed = new Set(names);
  const all = [...names, ...a.order.filter((n) => !listed.has(n) && !(g.kind === 'Sequential' && a.layers.get(n)?.className === 'InputLayer'))];
  const nodes = new Map(g.layers.map((l) => [l.name, l]));
  const rows = all.map((name) => {
    const node = nodes.get(name);
    const info = a.layers.get(name);
    const cells = [
      `${name} (${node?.className ?? '?'})`,
      formatShapeKeras3(info?.outputShape),
      formatCount((info?.trainableParams ?? 0) + (info?.nonTrainableParams ?? 0)),
    ];
    if (!sequentialLike) {
      const inbound = node?.inbound ?? [];
      cells.push(inbound.length ? inbound.map((s) => `${s}[0][0]`).join(', ') : '-');
    }
    return cells;
  });
  const lineLength = keras3LineLength(sequentialLike, terminalColumns);
  const { total, trainable, nonTrainable } = a.totals;
  const size = (n: number) => `${formatCount(n)} (${readableMemorySize(n * BYTES_PER_PARAM)})`;
  return [
    `Model: "${g.name}"`,
    ...renderBoxTable(columnsFor(sequentialLike, lineLength), rows, lineLength),
    ` Total params: ${size(total)}`,
    ` Trainable params: ${size(trainable)}`,
    ` Non-trainable params: ${size(nonTrainable)}`,
  ].join('\n');
}
