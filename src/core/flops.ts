/**
 * The arithmetic a model does per sample, for the bench's GFLOP/s figures: the multiply-adds of the layers
 * that hold a kernel (Dense, the convolutions, anything whose `kernel` weight meets every output position),
 * counted as 2 FLOPs each. Training does about 3x the forward pass: the forward product, and in backward one
 * product for the input's gradient and one for the kernel's. Elementwise work (activations, pooling, the
 * optimizer) is left out: it is small beside the products and is not what a GEMM rate can be compared with.
 */
import type { Analysis } from './analysis';

/** Forward FLOPs per sample: 2 x kernel size x output positions, over the layers with a `kernel`. */
export function forwardFlopsPerSample(a: Analysis): number {
  let flops = 0;
  for (const info of a.layers.values()) {
    const kernel = info.weights.find((w) => w.name === 'kernel');
    const out = info.outputShape;
    if (!kernel || !out) continue;
    const dims = out.slice(1);
    if (dims.some((d) => d === null)) continue;
    const outChannels = kernel.shape[kernel.shape.length - 1];
    const positions = (dims as number[]).reduce((p, d) => p * d, 1) / outChannels;
    flops += 2 * kernel.shape.reduce((p, d) => p * d, 1) * positions;
  }
  return flops;
}

/** Training FLOPs per sample (forward + backward). */
export const trainingFlopsPerSample = (a: Analysis): number => 3 * forwardFlopsPerSample(a);
