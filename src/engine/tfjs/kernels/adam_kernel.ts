/**
 * Keras' Adam step (keras/src/optimizers/adam.py `update_step`, amsgrad off) for one variable in ONE pass over
 * its weight, gradient and two slots, as a kernel of the cpu and wasm backends. The rule written with tensor
 * ops (training/optimizerRules.ts `adam`) costs ten element-wise kernels per variable per step, each a pass over
 * memory and a dispatch (7.5 ms of an mnist-mlp step at batch 128 on wasm). Each operation is rounded to float32
 * as the op chain rounds it, so both give the same weights (tested against each other).
 * Inputs {g, w, m, v}; attrs {beta1, beta2, epsilon, alpha} (alpha: the step size with both bias corrections);
 * outputs [w', m', v'].
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs';
import type { TensorAccess } from './tensor_access';
import type { HeapAccess } from './wasm/heapKernels';

export const ADAM_STEP = 'ModelStudioAdamStep';

export interface AdamStepAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  alpha: number;
}

const f = Math.fround;

/** In place over the arrays: m += (g - m)(1 - β1); v += (g² - v)(1 - β2); w -= m·α / (√v + ε), float32 each. */
export function adamStep(g: Float32Array, w: Float32Array, m: Float32Array, v: Float32Array, out: { w: Float32Array; m: Float32Array; v: Float32Array }, a: AdamStepAttrs): void {
  const oneMinusB1 = f(1 - a.beta1);
  const oneMinusB2 = f(1 - a.beta2);
  const alpha = f(a.alpha);
  const eps = f(a.epsilon);
  for (let i = 0; i < g.length; i++) {
    const gi = g[i];
    const mi = f(m[i] + f(f(gi - m[i]) * oneMinusB1));
    const vi = f(v[i] + f(f(f(gi * gi) - v[i]) * oneMinusB2));
    out.m[i] = mi;
    out.v[i] = vi;
    out.w[i] = w[i] - f(f(mi * alpha) / f(f(Math.sqrt(vi)) + eps));
  }
}

/** `heap`: wasm's own kernels and tensor addresses (SIMD on every core); without it, the JS loop above. */
export function adamStepKernel(access: (backend: object) => TensorAccess, heap?: HeapAccess): KernelFunc {
  return (args) => {
    const { g, w, m, v } = args.inputs as Record<'g' | 'w' | 'm' | 'v', TensorInfo>;
    const a = access(args.backend);
    const outs = [w, m, v].map((t) => a.output([...t.shape], () => {}));
    if (heap) {
      const p = heap.pointer;
      const count = g.shape.reduce((x, y) => x * y, 1);
      heap.kernels.adamStep({ g: p(g), w: p(w), m: p(m), v: p(v), wOut: p(outs[0]), mOut: p(outs[1]), vOut: p(outs[2]) }, count, args.attrs as unknown as AdamStepAttrs);
      return outs;
    }
    // Views after every allocation (a wasm heap may grow, and detach earlier views, on each).
    adamStep(a.read(g), a.read(w), a.read(m), a.read(v), { w: a.read(outs[0]), m: a.read(outs[1]), v: a.read(outs[2]) }, args.attrs as unknown as AdamStepAttrs);
    return outs;
  };
}
