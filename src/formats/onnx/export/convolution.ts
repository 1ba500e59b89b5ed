/** Convolutions: Conv1D/2D/3D, Conv1D/2D/3DTranspose, DepthwiseConv1D/2D, SeparableConv1D/2D (as ONNX Conv / ConvTranspose). */
import { transposeData, type Val } from '../emitter';
import { activation } from './activations';
import { activationOf, asNums, convPads, type LayerContext, type LayerExporter, type LayerExporters } from './context';

export function spatial(ctx: LayerContext, n: number) {
  const c = ctx.c;
  const kernel = asNums(c.kernel_size, n, 1);
  const strides = asNums(c.strides, n, 1);
  const dilations = asNums(c.dilation_rate, n, 1);
  const sizes = ctx.inShapes[0]!.slice(1, -1);
  return { kernel, strides, dilations, pads: convPads(String(c.padding), sizes, kernel, strides, dilations) };
}

/** Keras kernel (k..., in, out) -> ONNX (out, in, k...). */
const kernelPerm = (n: number) => [n + 1, n, ...Array.from({ length: n }, (_, i) => i)];

function conv(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const inputs = [ctx.e.first(x, ctx.name), ctx.init('kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const y = ctx.op('Conv', inputs, { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: Number(ctx.c.groups ?? 1), ...s.pads });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

function convTranspose(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const { kernel, strides, dilations } = spatial(ctx, n);
  // Keras output size: in*s for 'same', in*s + max(k - s, 0) for 'valid' (keras/src/utils/conv_utils.py
  // deconv_output_length). The transposed conv gives (in-1)*s + k_eff - pads + output_padding.
  const eff = kernel.map((k, i) => (k - 1) * dilations[i]! + 1);
  const same = ctx.c.padding === 'same';
  const total = eff.map((k, i) => (same ? Math.max(k - strides[i]!, 0) : 0));
  const outputPadding = eff.map((k, i) => Math.max(strides[i]! - k, 0));
  const pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  // Keras kernel (k..., out, in) -> ONNX ConvTranspose (in, out, k...).
  const inputs = [ctx.e.first(x, ctx.name), ctx.init('kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const attrs: Record<string, number[]> = { kernel_shape: kernel, strides, dilations, pads };
  if (outputPadding.some((p) => p > 0)) attrs.output_padding = outputPadding;
  const y = ctx.op('ConvTranspose', inputs, attrs);
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

/** Keras depthwise kernel (k..., in, mult) -> ONNX grouped Conv weight (in*mult, 1, k...), output channel i*mult+m. */
function depthwiseWeight(ctx: LayerContext, n: number): { name: string; channels: number } {
  const t = ctx.w('depthwise_kernel');
  const [cin, mult] = t.shape.slice(n) as [number, number];
  const p = transposeData(t.data, t.shape, [n, n + 1, ...Array.from({ length: n }, (_, i) => i)]);
  return { name: ctx.e.f32(`${ctx.name}/depthwise_kernel`, [cin * mult, 1, ...t.shape.slice(0, n)], p.data), channels: cin };
}

function depthwise(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const w = depthwiseWeight(ctx, n);
  const inputs = [ctx.e.first(x, ctx.name), w.name];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const y = ctx.op('Conv', inputs, { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: w.channels, ...s.pads });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

function separable(ctx: LayerContext, x: Val): Val {
  const n = x.rank - 2;
  const s = spatial(ctx, n);
  const w = depthwiseWeight(ctx, n);
  const d = ctx.op('Conv', [ctx.e.first(x, ctx.name), w.name], { kernel_shape: s.kernel, strides: s.strides, dilations: s.dilations, group: w.channels, ...s.pads });
  const inputs = [d, ctx.init('pointwise_kernel', kernelPerm(n))];
  if (ctx.c.use_bias !== false) inputs.push(ctx.init('bias'));
  const ones = new Array<number>(n).fill(1);
  const y = ctx.op('Conv', inputs, { kernel_shape: ones, strides: ones, dilations: ones, group: 1, pads: new Array<number>(2 * n).fill(0) });
  return activation(ctx, { rank: x.rank, first: y }, activationOf(ctx.c));
}

const convExporter: LayerExporter = { emit: (ctx, [x]) => conv(ctx, x!) };
const separableExporter: LayerExporter = { emit: (ctx, [x]) => separable(ctx, x!) };
const transposeExporter: LayerExporter = {
  check: (_layer, c) => (c.output_padding === null || c.output_padding === undefined ? undefined : 'output_padding is not supported'),
  emit: (ctx, [x]) => convTranspose(ctx, x!),
};
const depthwiseExporter: LayerExporter = { emit: (ctx, [x]) => depthwise(ctx, x!) };

export const convolutionExporters: LayerExporters = {
  Conv1D: convExporter,
  Conv2D: convExporter,
  Conv3D: convExporter,
  Conv1DTranspose: transposeExporter,
  Conv2DTranspose: transposeExporter,
  Conv3DTranspose: transposeExporter,
  DepthwiseConv1D: depthwiseExporter,
  DepthwiseConv2D: depthwiseExporter,
  SeparableConv1D: separableExporter,
  SeparableConv2D: separableExporter,
};
