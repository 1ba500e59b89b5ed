/**
 * The Keras operations of the catalog (core/layers/operations.ts) as tfjs layer classes under Keras' class
 * names: element-wise functions (keras/src/ops/numpy.py, math.py) and reductions over axes with `keepdims`
 * (Max and Min also with `initial`, which every reduction includes: max(max(x), initial)), and Divide of two
 * tensors, broadcast (the shapes were checked by the catalog).
 */
import { first } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function operationLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const elementwise: Record<string, (x: Tensor) => Tensor> = {
    Absolute: (x) => tf.abs(x),
    Negative: (x) => tf.neg(x),
    Sqrt: (x) => tf.sqrt(x),
    Exp: (x) => tf.exp(x),
    Log: (x) => tf.log(x),
    Square: (x) => tf.square(x),
    Reciprocal: (x) => tf.reciprocal(x),
    Floor: (x) => tf.floor(x),
    Ceil: (x) => tf.ceil(x),
    Sign: (x) => tf.sign(x),
    Sin: (x) => tf.sin(x),
    Cos: (x) => tf.cos(x),
    Tan: (x) => tf.tan(x),
    Erf: (x) => tf.erf(x),
  };
  const unary = Object.entries(elementwise).map(
    ([name, fn]) =>
      class extends Layer {
        static className = name;
        call(inputs: Tensor | Tensor[]): Tensor {
          return tf.tidy(() => fn(tf.cast(first(inputs), 'float32')));
        }
      },
  );
  const reductions: Record<string, (x: Tensor, axes: number[], keep: boolean) => Tensor> = {
    Sum: (x, a, k) => tf.sum(x, a, k),
    Mean: (x, a, k) => tf.mean(x, a, k),
    Max: (x, a, k) => tf.max(x, a, k),
    Min: (x, a, k) => tf.min(x, a, k),
  };
  const reduce = Object.entries(reductions).map(
    ([name, fn]) =>
      class extends Layer {
        static className = name;
        readonly axis: number | number[];
        readonly keepdims: boolean;
        readonly initial: number | null;
        constructor(args: any) {
          super(args);
          this.axis = args.axis;
          this.keepdims = args.keepdims === true;
          this.initial = typeof args.initial === 'number' ? args.initial : null;
        }
        private axes(rank: number): number[] {
          return (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => (a < 0 ? a + rank : a));
        }
        computeOutputShape(shape: (number | null)[]): (number | null)[] {
          const axes = this.axes(shape.length);
          return this.keepdims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
        }
        call(inputs: Tensor | Tensor[]): Tensor {
          return tf.tidy(() => {
            const x = tf.cast(first(inputs), 'float32');
            const y = fn(x, this.axes(x.rank), this.keepdims);
            if (this.initial === null) return y;
            return name === 'Max' ? tf.maximum(y, this.initial) : tf.minimum(y, this.initial);
          });
        }
        getConfig(): any {
          return { ...super.getConfig(), axis: this.axis, keepdims: this.keepdims, initial: this.initial };
        }
      },
  );
  class Divide extends Layer {
    static className = 'Divide';
    computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
      const [a, b] = shapes as [(number | null)[], (number | null)[]];
      return a.map((x, i) => (x === 1 ? b[i]! : x === null && b[i] !== 1 ? b[i]! : x));
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      const [a, b] = inputs as Tensor[];
      return tf.tidy(() => tf.div(tf.cast(a!, 'float32'), tf.cast(b!, 'float32')));
    }
  }
  class Clip extends Layer {
    static className = 'Clip';
    readonly xMin: number;
    readonly xMax: number;
    constructor(args: any) {
      super(args);
      this.xMin = args.x_min ?? args.xMin;
      this.xMax = args.x_max ?? args.xMax;
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      // numpy's clip: minimum(maximum(x, x_min), x_max), so x_max wins when the bounds cross (as ONNX Clip).
      return tf.tidy(() => tf.minimum(tf.maximum(tf.cast(first(inputs), 'float32'), this.xMin), this.xMax));
    }
    getConfig(): any {
      return { ...super.getConfig(), x_min: this.xMin, x_max: this.xMax };
    }
  }
  return [...unary, ...reduce, Divide, Clip];
}
