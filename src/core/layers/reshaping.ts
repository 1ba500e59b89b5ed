/**
 * Reshaping layers (keras/layers/reshaping; tfjs-layers src/layers/core.ts and padding.ts): Flatten,
 * Reshape, Permute, RepeatVector, UpSampling, ZeroPadding, Cropping. None has weights.
 */
import type { Dim, Json, JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { dataFormatField, f, field, required } from './fields';
import { splitChannels, joinChannels } from './convolution';
import { formatShape, formatSize, num, product, requireRank, tuple } from './shapeMath';
import { ShapeError } from './spec';

const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);

const Flatten = defineLayer({
  className: 'Flatten',
  category: 'Reshape',
  doc: 'Flattens everything but the batch axis into one vector',
  fields: [dataFormatField],
  inputs: { min: 1, max: 1 },
  // Keras: (batch, prod(rest)); an unknown inner dimension makes the result unknown; rank 1 gives (batch, 1).
  outputShape: ([x]) => [x[0], x.length === 1 ? 1 : product(x.slice(1))],
  weights: () => [],
});

function checkTargetShape(v: Json): string | null {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list of sizes, e.g. [7, 7, 64]';
  if (!v.every((d) => isInt(d) && (d > 0 || d === -1))) return 'entries must be positive integers, or -1 for one inferred size';
  if (v.filter((d) => d === -1).length > 1) return 'only one entry can be -1';
  return null;
}

/** Keras' `Reshape._fix_unknown_dimension`. */
function reshapeTarget(input: Shape, target: number[]): Shape {
  const inner = input.slice(1);
  if (inner.some((d) => d === null)) return [input[0], ...target.map((d) => (d === -1 ? null : d))];
  const original = product(inner) as number;
  const known = target.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const unknown = target.indexOf(-1);
  const bad = () =>
    new ShapeError(
      `cannot reshape ${formatShape(input)} (${original} values per sample) to ${formatShape([null, ...target])}`,
      `choose a target_shape whose sizes multiply to ${original}, or use -1 for one size`,
      'target_shape',
    );
  if (unknown >= 0) {
    if (known === 0 || original % known !== 0) throw bad();
    return [input[0], ...target.map((d) => (d === -1 ? original / known : d))];
  }
  if (original !== known) throw bad();
  return [input[0], ...target];
}

const Reshape = defineLayer({
  className: 'Reshape',
  category: 'Reshape',
  doc: 'Reshapes each sample to target_shape (one entry may be -1)',
  fields: [field('target_shape', 'shape', null, 'New shape without the batch axis; -1 infers one size', { check: checkTargetShape })],
  inputs: { min: 1, max: 1 },
  newConfig: { target_shape: [-1] },
  outputShape([x], c) {
    const err = checkTargetShape(c.target_shape);
    if (err) throw new ShapeError(`target_shape ${err}`, 'set target_shape, e.g. [7, 7, 64]', 'target_shape');
    return reshapeTarget(x, c.target_shape as number[]);
  },
  weights: () => [],
});

const Permute = defineLayer({
  className: 'Permute',
  category: 'Reshape',
  doc: 'Reorders the axes (1-based, batch excluded), e.g. [2, 1] swaps the first two',
  fields: [field('dims', 'ints', null, 'A permutation of 1..rank, e.g. [2, 1]', { min: 1 })],
  inputs: { min: 1, max: 1 },
  newConfig: { dims: [2, 1] },
  outputShape([x], c) {
    const dims = Array.isArray(c.dims) ? c.dims : [];
    const n = x.length - 1;
    const sorted = [...dims].sort((a, b) => Number(a) - Number(b));
    if (dims.length !== n || !sorted.every((d, i) => d === i + 1)) {
      throw new ShapeError(
        `dims ${JSON.stringify(dims)} is not a permutation of 1..${n} for input ${formatShape(x)}`,
        `list each of the axes 1..${n} exactly once`,
        'dims',
      );
    }
    return [x[0], ...dims.map((d) => x[d as number])];
  },
  weights: () => [],
});

const RepeatVector = defineLayer({
  className: 'RepeatVector',
  category: 'Reshape',
  doc: 'Repeats a vector n times: (batch, features) to (batch, n, features)',
  fields: [required('n', 'int', 'Number of repetitions', { min: 1 })],
  inputs: { min: 1, max: 1 },
  newConfig: { n: 2 },
  outputShape([x], c) {
    requireRank(x, 2, '(batch, features)', 'add a Flatten before it');
    return [x[0], num(c, 'n'), x[1]];
  },
  weights: () => [],
});

const UpSampling1D = defineLayer({
  className: 'UpSampling1D',
  category: 'Reshape',
  doc: 'Repeats each step size times along the time axis',
  fields: [f.int('size', 2, 'Repetition factor', { min: 1 })],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    requireRank(x, 3, '(batch, steps, features)');
    return [x[0], x[1] === null ? null : x[1] * num(c, 'size'), x[2]];
  },
  weights: () => [],
});

const UpSampling2D = defineLayer({
  className: 'UpSampling2D',
  category: 'Reshape',
  doc: 'Repeats rows and columns: enlarges the image by size',
  fields: [
    f.ints('size', [2, 2], 2, 'Upsampling factors for rows and columns'),
    dataFormatField,
    f.enum('interpolation', 'nearest', ['nearest', 'bilinear'], 'How new pixels are filled'),
  ],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    const s = splitChannels(x, 2, c);
    const size = tuple(c, 'size', 2);
    return joinChannels(s.batch, s.spatial.map((d, i) => (d === null ? null : d * size[i])), s.channels, s.cf);
  },
  weights: () => [],
});

const UpSampling3D = defineLayer({
  className: 'UpSampling3D',
  category: 'Reshape',
  doc: 'Repeats each voxel size times along depth, rows and columns',
  fields: [f.ints('size', [2, 2, 2], 3, 'Upsampling factors for the three spatial axes'), dataFormatField],
  inputs: { min: 1, max: 1 },
  outputShape([x], c) {
    const s = splitChannels(x, 3, c);
    const size = tuple(c, 'size', 3);
    return joinChannels(s.batch, s.spatial.map((d, i) => (d === null ? null : d * size[i])), s.channels, s.cf);
  },
  weights: () => [],
});

/**
 * A padding/cropping amount in any Keras form: int, [a, b] (symmetric per axis for 2D, before/after for
 * 1D) or [[before, after], ...]. Returns [before, after] per spatial axis.
 */
export function pairs(v: Json, rank: number): [number, number][] | null {
  if (isInt(v)) return Array.from({ length: rank }, () => [v, v] as [number, number]);
  if (!Array.isArray(v)) return null;
  if (rank === 1 && v.length === 2 && v.every(isInt)) return [[v[0] as number, v[1] as number]];
  if (v.length !== rank) return null;
  const out: [number, number][] = [];
  for (const e of v) {
    if (isInt(e)) out.push([e, e]);
    else if (Array.isArray(e) && e.length === 2 && e.every(isInt)) out.push([e[0] as number, e[1] as number]);
    else return null;
  }
  return out;
}

const PAIRS_FORMS = [
  'must be an integer or [before, after]',
  'must be an integer, [rows, cols] or [[top, bottom], [left, right]]',
  'must be an integer, [depth, rows, cols] or [[before, after], [top, bottom], [left, right]]',
];

function pairsCheck(rank: number) {
  return (v: Json): string | null => {
    const p = pairs(v, rank);
    if (!p) return PAIRS_FORMS[rank - 1]!;
    return p.flat().some((n) => n < 0) ? 'must not be negative' : null;
  };
}

function definePadCrop(className: string, rank: number, crop: boolean): CatalogSpec {
  const key = crop ? 'cropping' : 'padding';
  // Keras' defaults: (1, 1) in 1D, ((0, 0), (0, 0)) for Cropping2D, ((1, 1), ...) for the others.
  const def: Json = rank === 1 ? [1, 1] : Array.from({ length: rank }, () => (crop && rank === 2 ? [0, 0] : [1, 1]));
  return defineLayer({
    className,
    category: 'Reshape',
    doc: crop ? 'Removes rows/columns at the borders' : 'Adds rows/columns of zeros at the borders',
    fields: [
      field(key, 'json', def, ['[before, after] steps', '[[top, bottom], [left, right]], [rows, cols] or one integer', '[[before, after], [top, bottom], [left, right]], [depth, rows, cols] or one integer'][rank - 1]!, { check: pairsCheck(rank) }),
      ...(rank >= 2 ? [dataFormatField] : []),
    ],
    inputs: { min: 1, max: 1 },
    outputShape([x], c: JsonObject) {
      const s = rank === 1 ? (requireRank(x, 3, '(batch, steps, features)'), { batch: x[0], spatial: [x[1]], channels: x[2], cf: false }) : splitChannels(x, rank, c);
      const p = pairs(c[key], rank);
      if (!p) throw new ShapeError(`${key} ${pairsCheck(rank)(c[key])}`, `set ${key}`, key);
      const out: Dim[] = s.spatial.map((d, i) => (d === null ? null : crop ? d - p[i][0] - p[i][1] : d + p[i][0] + p[i][1]));
      if (out.some((d) => d !== null && d <= 0)) {
        throw new ShapeError(
          `cropping ${formatSize(p.map(([a, b]) => a + b))} removes everything from the ${formatSize(s.spatial)} input`,
          'crop less',
          key,
        );
      }
      return joinChannels(s.batch, out, s.channels, s.cf);
    },
    weights: () => [],
  });
}

export const reshapingLayers: CatalogSpec[] = [
  Flatten,
  Reshape,
  Permute,
  RepeatVector,
  UpSampling1D,
  UpSampling2D,
  UpSampling3D,
  definePadCrop('ZeroPadding1D', 1, false),
  definePadCrop('ZeroPadding2D', 2, false),
  definePadCrop('ZeroPadding3D', 3, false),
  definePadCrop('Cropping1D', 1, true),
  definePadCrop('Cropping2D', 2, true),
  definePadCrop('Cropping3D', 3, true),
];
