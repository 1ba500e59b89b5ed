/**
 * Merge layers (keras/layers/merging; tfjs-layers src/layers/merge.ts). Element-wise merges broadcast
 * like Keras' `_Merge._compute_elemwise_op_output_shape`; Concatenate requires equal shapes except on the
 * concat axis (unknown sizes match anything); Dot contracts one axis of each input. No weights.
 */
import type { Dim, JsonObject, Shape } from '../types';
import { defineLayer, type CatalogSpec } from './define';
import { f, field } from './fields';
import { formatShape, normAxis } from './shapeMath';
import { ShapeError } from './spec';

/** Keras `_Merge._compute_elemwise_op_output_shape` over shapes without the batch axis. */
function broadcast(a: Dim[], b: Dim[], fa: Shape, fb: Shape): Dim[] {
  if (a.length < b.length) return broadcast(b, a, fb, fa);
  if (b.length === 0) return a;
  const out: Dim[] = a.slice(0, a.length - b.length);
  const tail = a.slice(a.length - b.length);
  tail.forEach((i, k) => {
    const j = b[k];
    if (i === null || j === null) out.push(null);
    else if (i === 1) out.push(j);
    else if (j === 1) out.push(i);
    else if (i !== j) {
      const axis = a.length - b.length + k + 1;
      throw new ShapeError(
        `inputs ${formatShape(fa)} and ${formatShape(fb)} cannot be combined element-wise: axis ${axis} is ${i} vs ${j}`,
        'make the shapes equal (or 1 on that axis), e.g. with a Dense or Conv layer of the right size',
      );
    } else out.push(i);
  });
  return out;
}

function elementwiseShape(inputs: Shape[]): Shape {
  let out: Dim[] = inputs[0].slice(1);
  for (let i = 1; i < inputs.length; i++) out = broadcast(out, inputs[i].slice(1), inputs[0], inputs[i]);
  const batches = new Set(inputs.map((s) => s[0]).filter((d) => d !== null));
  return [batches.size === 1 ? [...batches][0] : null, ...out];
}

function defineElementwise(className: string, doc: string, inputs = { min: 2, max: 64 }): CatalogSpec {
  return defineLayer({
    className,
    category: 'Merge',
    doc,
    fields: [],
    inputs,
    outputShape: (xs) => elementwiseShape(xs),
    weights: () => [],
  });
}

const Concatenate = defineLayer({
  className: 'Concatenate',
  category: 'Merge',
  doc: 'Joins its inputs along an axis (default: the last, i.e. channels/features)',
  fields: [f.int('axis', -1, 'The axis to join along (-1: the last)')],
  inputs: { min: 2, max: 64 },
  outputShape(xs, c) {
    const rank = xs[0].length;
    const bad = xs.find((s) => s.length !== rank);
    if (bad) {
      throw new ShapeError(
        `inputs ${formatShape(xs[0])} and ${formatShape(bad)} have different ranks`,
        'reshape or flatten one of them so both have the same number of axes',
      );
    }
    const axis = normAxis(c.axis as number, rank);
    if (axis === 0) throw new ShapeError('cannot concatenate along the batch axis (0)', 'use axis -1', 'axis');
    for (const s of xs.slice(1)) {
      for (let k = 1; k < rank; k++) {
        if (k === axis) continue;
        const a = xs[0][k];
        const b = s[k];
        if (a !== null && b !== null && a !== b) {
          throw new ShapeError(
            `inputs ${formatShape(xs[0])} and ${formatShape(s)} differ on axis ${k}`,
            k < rank - 1 && rank >= 3 ? 'add a pooling layer or change strides' : `make them equal on axis ${k}, or concatenate along axis ${k}`,
            'axis',
          );
        }
      }
    }
    const out: Shape = [...xs[0]];
    // Any unknown size along the axis makes the sum unknown; unknown sizes elsewhere take the known one.
    out[axis] = xs.reduce<Dim>((acc, s) => (acc === null || s[axis] === null ? null : acc + (s[axis] as number)), 0);
    for (let k = 1; k < rank; k++) if (k !== axis && out[k] === null) out[k] = xs.find((s) => s[k] !== null)?.[k] ?? null;
    return out;
  },
  weights: () => [],
});

function dotAxes(c: JsonObject, a: Shape, b: Shape): [number, number] {
  const ax = c.axes;
  const list = Array.isArray(ax) ? (ax as number[]) : [ax as number, ax as number];
  if (list.length !== 2) throw new ShapeError('axes must be an integer or a list of two integers', 'e.g. axes: -1 or [1, 2]', 'axes');
  return [normAxis(list[0], a.length, 'axes'), normAxis(list[1], b.length, 'axes')];
}

const Dot = defineLayer({
  className: 'Dot',
  category: 'Merge',
  doc: 'Dot product of two inputs along the given axes (normalize: cosine similarity)',
  fields: [
    field('axes', 'axis', -1, 'Axis of each input to contract: one integer for both, or [a, b]', {
      check: (v) =>
        (typeof v === 'number' && Number.isInteger(v)) || (Array.isArray(v) && v.length === 2 && v.every((x) => typeof x === 'number' && Number.isInteger(x)))
          ? null
          : 'must be an integer or a list of two integers',
    }),
    f.bool('normalize', false, 'L2-normalize along the axes first (cosine similarity)'),
  ],
  inputs: { min: 2, max: 2 },
  // Keras 2 Dot.build / compute_output_shape.
  outputShape([a, b], c) {
    const [x, y] = dotAxes(c, a, b);
    if (x === 0 || y === 0) throw new ShapeError('cannot contract the batch axis', 'use axes >= 1 or -1', 'axes');
    if (a[x] !== null && b[y] !== null && a[x] !== b[y]) {
      throw new ShapeError(
        `axis ${x} of ${formatShape(a)} (${a[x]}) and axis ${y} of ${formatShape(b)} (${b[y]}) must be equal`,
        'choose axes of equal size, or change a layer so they match',
        'axes',
      );
    }
    const s1 = a.filter((_, i) => i !== x);
    const s2 = b.filter((_, i) => i !== y).slice(1);
    const out = [...s1, ...s2];
    return out.length === 1 ? [...out, 1] : out;
  },
  weights: () => [],
});

export const mergeLayers: CatalogSpec[] = [
  defineElementwise('Add', 'Adds its inputs element-wise (shapes broadcast)'),
  defineElementwise('Subtract', 'Subtracts the second input from the first', { min: 2, max: 2 }),
  defineElementwise('Multiply', 'Multiplies its inputs element-wise'),
  defineElementwise('Average', 'Averages its inputs element-wise'),
  defineElementwise('Maximum', 'Element-wise maximum of its inputs'),
  defineElementwise('Minimum', 'Element-wise minimum of its inputs'),
  Concatenate,
  Dot,
];
