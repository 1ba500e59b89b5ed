/** Reshaping layers: Flatten, Reshape, Permute, RepeatVector, UpSampling, ZeroPadding, Cropping, CenterCrop. */
import type { Json } from '../../../core/types';
import { asNums, BIG, type LayerExporter, type LayerExporters } from './context';

function paddingPairs(v: Json | undefined, n: number): [number, number][] {
  if (typeof v === 'number') return Array.from({ length: n }, () => [v, v]);
  if (Array.isArray(v)) {
    if (n === 1 && v.length === 2 && v.every((x) => typeof x === 'number')) return [[v[0] as number, v[1] as number]];
    return v.map((p) => (typeof p === 'number' ? [p, p] : [Number((p as number[])[0]), Number((p as number[])[1])]));
  }
  return Array.from({ length: n }, () => [0, 0]);
}

/** Nearest neighbour repeats each pixel `size` times: Resize with asymmetric coordinates and floor. */
const upSampling: LayerExporter = {
  emit(ctx, [x]) {
    const size = asNums(ctx.c.size, x!.rank - 2, 2);
    const scales = ctx.e.f32(`${ctx.name}/scales`, [x!.rank], [1, 1, ...size]);
    const y = ctx.op('Resize', [ctx.e.first(x!, ctx.name), '', scales], {
      mode: 'nearest',
      coordinate_transformation_mode: 'asymmetric',
      nearest_mode: 'floor',
    });
    return { rank: x!.rank, first: y };
  },
};

const zeroPadding: LayerExporter = {
  emit(ctx, [x]) {
    const pairs = paddingPairs(ctx.c.padding, x!.rank - 2);
    const pads = [0, 0, ...pairs.map((p) => p[0]), 0, 0, ...pairs.map((p) => p[1])];
    return { rank: x!.rank, first: ctx.op('Pad', [ctx.e.first(x!, ctx.name), ctx.i64('pads', pads)], { mode: 'constant' }) };
  },
};

const cropping: LayerExporter = {
  emit(ctx, [x]) {
    const pairs = paddingPairs(ctx.c.cropping, x!.rank - 2);
    const sizes = ctx.inShapes[0]!.slice(1, -1);
    const starts = pairs.map((p) => p[0]);
    const ends = pairs.map((p, i) => (sizes[i] !== null ? sizes[i]! - p[1] : p[1] > 0 ? -p[1] : BIG));
    const axes = pairs.map((_, i) => i + 2);
    const y = ctx.op('Slice', [ctx.e.first(x!, ctx.name), ctx.i64('starts', starts), ctx.i64('ends', ends), ctx.i64('axes', axes)]);
    return { rank: x!.rank, first: y };
  },
};

/**
 * keras/src/layers/preprocessing/image_preprocessing/center_crop.py: a Slice starting at (size - target) // 2
 * on the rows and columns. Keras resizes instead when the image is smaller; that case is refused (check).
 */
const centerCrop: LayerExporter = {
  check(_layer, c, inShapes) {
    const [h, w] = (inShapes[0] ?? []).slice(1, 3);
    if (h === null || w === null || h === undefined || w === undefined) return 'the image rows and columns must have known sizes';
    return h < Number(c.height) || w < Number(c.width) ? 'an image smaller than the crop (which Keras resizes) is not supported' : undefined;
  },
  emit(ctx, [x]) {
    const [h, w] = ctx.inShapes[0]!.slice(1, 3) as number[];
    const [th, tw] = [Number(ctx.c.height), Number(ctx.c.width)];
    const starts = [Math.floor((h! - th) / 2), Math.floor((w! - tw) / 2)];
    const y = ctx.op('Slice', [ctx.e.first(x!, ctx.name), ctx.i64('starts', starts), ctx.i64('ends', [starts[0]! + th, starts[1]! + tw]), ctx.i64('axes', [2, 3])]);
    return { rank: x!.rank, first: y };
  },
};

export const reshapingExporters: LayerExporters = {
  Flatten: {
    // Keras flattens channels-last data: back to (N, H, W, C) first, then rows in that order.
    emit: (ctx, [x]) => (x!.rank <= 2 ? x! : { rank: 2, last: ctx.op('Flatten', [ctx.e.last(x!, ctx.name)], { axis: 1 }) }),
  },
  Reshape: {
    emit(ctx, [x]) {
      const target = (ctx.c.target_shape as number[]).map((d) => (d === null ? -1 : d));
      return { rank: ctx.outShape.length, last: ctx.op('Reshape', [ctx.e.last(x!, ctx.name), ctx.i64('shape', [0, ...target])]) };
    },
  },
  Permute: {
    emit: (ctx, [x]) => ({ rank: ctx.outShape.length, last: ctx.op('Transpose', [ctx.e.last(x!, ctx.name)], { perm: [0, ...(ctx.c.dims as number[])] }) }),
  },
  RepeatVector: {
    emit(ctx, [x]) {
      const n = ctx.c.n as number;
      const y = ctx.op('Reshape', [ctx.e.last(x!, ctx.name), ctx.i64('shape', [0, 1, -1])]);
      return { rank: 3, last: ctx.op('Tile', [y, ctx.i64('repeats', [1, n, 1])]) };
    },
  },
  UpSampling1D: upSampling,
  UpSampling2D: {
    check: (_layer, c) => (c.interpolation === 'nearest' || c.interpolation === undefined ? undefined : `interpolation "${String(c.interpolation)}" is not supported (only nearest)`),
    emit: upSampling.emit,
  },
  UpSampling3D: upSampling,
  ZeroPadding1D: zeroPadding,
  ZeroPadding2D: zeroPadding,
  ZeroPadding3D: zeroPadding,
  Cropping1D: cropping,
  Cropping2D: cropping,
  Cropping3D: cropping,
  CenterCrop: centerCrop,
};
