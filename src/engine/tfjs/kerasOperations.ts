/**
 * The Keras operations of the catalog (core/layers/operations.ts) as tfjs layer classes under Keras' class
 * names: element-wise functions (keras/src/ops/numpy.py, math.py) and reductions over axes with `keepdims`
 * (Max and Min also with `initial`, which every reduction includes: max(max(x), initial)); operations of two
 * tensors (Divide, comparisons, logic, Mod, Power) and Where, broadcast (the shapes were checked by the
 * catalog); Argmax / Argmin along one axis.
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
    Prod: (x, a, k) => tf.prod(x, a, k),
    Logsumexp: (x, a, k) => tf.logSumExp(x, a, k),
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
  return [...unary, ...reduce, Clip, ...severalTensorLayers(tf, Layer), ...argLayers(tf, Layer)];
}

/** numpy's broadcast of several shapes (the catalog checked that they broadcast). */
function broadcast(shapes: (number | null)[][]): (number | null)[] {
  return shapes.reduce((a, b) => a.map((x, i) => (x === 1 ? b[i]! : x === null && b[i] !== 1 ? b[i]! : x)));
}

/** Non-zero as true, as numpy's logical functions and where read numbers. */
const truth = (tf: Tf, x: Tensor): Tensor => (x.dtype === 'bool' ? x : tf.notEqual(x, tf.scalar(0, x.dtype)));

/**
 * Operations of several tensors: Divide computes in float (Keras' true division); the others in the inputs'
 * own type when they share one (integer Mod and Power stay integers, as in Keras), else in float32.
 */
function severalTensorLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const same = (a: Tensor, b: Tensor): [Tensor, Tensor] => (a.dtype === b.dtype && a.dtype !== 'bool' ? [a, b] : [tf.cast(a, 'float32'), tf.cast(b, 'float32')]);
  const binary: Record<string, (a: Tensor, b: Tensor) => Tensor> = {
    Divide: (a, b) => tf.div(tf.cast(a, 'float32'), tf.cast(b, 'float32')),
    Equal: (a, b) => tf.equal(...same(a, b)),
    Less: (a, b) => tf.less(...same(a, b)),
    LessEqual: (a, b) => tf.lessEqual(...same(a, b)),
    Greater: (a, b) => tf.greater(...same(a, b)),
    GreaterEqual: (a, b) => tf.greaterEqual(...same(a, b)),
    LogicalAnd: (a, b) => tf.logicalAnd(truth(tf, a), truth(tf, b)),
    LogicalOr: (a, b) => tf.logicalOr(truth(tf, a), truth(tf, b)),
    LogicalXor: (a, b) => tf.logicalXor(truth(tf, a), truth(tf, b)),
    Mod: (a, b) => tf.mod(...same(a, b)),
    Power: (a, b) => tf.pow(...same(a, b)),
  };
  const classes = Object.entries(binary).map(
    ([name, fn]) =>
      class extends Layer {
        static className = name;
        computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
          return broadcast(shapes);
        }
        call(inputs: Tensor | Tensor[]): Tensor {
          const [a, b] = inputs as Tensor[];
          return tf.tidy(() => fn(a!, b!));
        }
      },
  );
  class LogicalNot extends Layer {
    static className = 'LogicalNot';
    call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => tf.logicalNot(truth(tf, first(inputs))));
    }
  }
  class Where extends Layer {
    static className = 'Where';
    computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
      return broadcast(shapes);
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      const [c, a, b] = inputs as Tensor[];
      return tf.tidy(() => {
        const shape = broadcast([c!.shape, a!.shape, b!.shape]) as number[];
        const [x, y] = same(a!, b!);
        return tf.where(tf.broadcastTo(truth(tf, c!), shape), tf.broadcastTo(x, shape), tf.broadcastTo(y, shape));
      });
    }
  }
  class Cast extends Layer {
    static className = 'Cast';
    readonly to: string;
    constructor(args: any) {
      super({ ...args, dtype: undefined });
      this.to = args.dtype ?? 'float32';
    }
    call(inputs: Tensor | Tensor[]): Tensor {
      // tfjs' own cast of a float to int32 truncates toward zero, as Keras' (jax and numpy astype).
      return tf.tidy(() => (this.to === 'bool' ? truth(tf, first(inputs)) : tf.cast(first(inputs), this.to as 'float32' | 'int32')));
    }
    getConfig(): any {
      return { ...super.getConfig(), dtype: this.to };
    }
  }
  return [...classes, LogicalNot, Where, Cast];
}

/** Argmax / Argmin along one axis (never the batch axis: the catalog refuses it), int32 indices of the first extreme, as numpy. */
function argLayers(tf: Tf, Layer: AnyClass): AnyClass[] {
  const fns: Record<string, (x: Tensor, axis: number) => Tensor> = { Argmax: (x, a) => tf.argMax(x, a), Argmin: (x, a) => tf.argMin(x, a) };
  return Object.entries(fns).map(
    ([name, fn]) =>
      class extends Layer {
        static className = name;
        readonly axis: number;
        readonly keepdims: boolean;
        constructor(args: any) {
          super(args);
          this.axis = args.axis;
          this.keepdims = args.keepdims === true;
        }
        computeOutputShape(shape: (number | null)[]): (number | null)[] {
          const a = this.axis < 0 ? this.axis + shape.length : this.axis;
          return this.keepdims ? shape.map((d, i) => (i === a ? 1 : d)) : shape.filter((_, i) => i !== a);
        }
        call(inputs: Tensor | Tensor[]): Tensor {
          return tf.tidy(() => {
            const x = first(inputs);
            const a = this.axis < 0 ? this.axis + x.rank : this.axis;
            const y = fn(x, a);
            return this.keepdims ? tf.expandDims(y, a) : y;
          });
        }
        getConfig(): any {
          return { ...super.getConfig(), axis: this.axis, keepdims: this.keepdims };
        }
      },
  );
}
