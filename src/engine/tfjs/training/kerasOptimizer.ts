/**
 * Keras 3's optimizer base (keras/src/optimizers/base_optimizer.py `apply`) over tfjs variables: an iteration
 * counter, a learning rate that schedules and ReduceLROnPlateau set between steps, gradient clipping
 * (clipnorm, clipvalue, global_clipnorm), decoupled weight decay (w −= w·weight_decay·lr, before the update),
 * the optimizer's own update rule (optimizerRules.ts), then the weight's constraint (kernel_constraint...).
 * Each step is one tf.tidy that assigns every weight and its optimizer variables in place, once.
 */
import type { Tensor, Tf } from '../tf';
import { opsOf, type Coefficients, type UpdateRule } from './optimizerRules';

type Variable = import('@tensorflow/tfjs').Variable;
type Scalar = import('@tensorflow/tfjs').Scalar;
type NamedTensorMap = import('@tensorflow/tfjs').NamedTensorMap;

/** The settings every Keras optimizer has; undefined is Keras' None. */
export interface BaseSettings {
  weightDecay?: number;
  clipnorm?: number;
  clipvalue?: number;
  globalClipnorm?: number;
}

/** A weight's constraint (Keras' `variable.constraint`), applied to its value after each update. */
export type WeightConstraint = (w: Tensor) => Tensor;

export class KerasOptimizer {
  /** Keras' `optimizer.iterations`: the number of steps applied so far. */
  iterations = 0;
  /** Keras' `optimizer.learning_rate`; a schedule or ReduceLROnPlateau changes it between steps. */
  learningRate: number;
  private readonly slots = new Map<string, Variable[]>();
  private constraints = new Map<string, WeightConstraint>();
  /** Tests compare the one-kernel update with the op-by-op rule by turning it off. */
  fusedOff = false;

  constructor(
    private readonly tf: Tf,
    /** Keras' lower-case name of the optimizer. */
    readonly name: string,
    private readonly rule: UpdateRule,
    learningRate: number,
    readonly settings: BaseSettings = {},
  ) {
    this.learningRate = learningRate;
  }

  /** Computes the gradients of `f` for the trainable variables (all, or `varList`) and applies one step. */
  minimize(f: () => Scalar, returnCost: true, varList?: Variable[]): Scalar;
  minimize(f: () => Scalar, returnCost?: false, varList?: Variable[]): null;
  minimize(f: () => Scalar, returnCost = false, varList?: Variable[]): Scalar | null {
    const { value, grads } = this.tf.variableGrads(f, varList);
    try {
      this.applyGradients(grads);
    } finally {
      this.tf.dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** One step: gradients by variable name (tfjs' registered variables), as `optimizer.apply(grads, vars)`. */
  applyGradients(grads: NamedTensorMap, variables: Record<string, Variable> = this.tf.engine().registeredVariables): void {
    const names = Object.keys(grads).filter((k) => grads[k] != null);
    if (names.length === 0) return;
    const vars = names.map((k) => {
      const v = variables[k];
      if (!v) throw new Error(`The optimizer got a gradient for an unknown variable "${k}".`);
      return v;
    });
    const slots = vars.map((v) => this.slotsOf(v));
    const c = this.rule.coefficients(this.iterations + 1, this.learningRate);
    const fused = this.fusedStep(c);
    this.tf.tidy(() => {
      const o = opsOf(this.tf);
      const clipped = this.clip(names.map((k) => grads[k]));
      const wd = this.settings.weightDecay;
      vars.forEach((v, i) => {
        const constraint = this.constraints.get(names[i]);
        let out: { w: Tensor; s: Tensor[] };
        if (fused && wd === undefined && !constraint) {
          const inputs = Object.fromEntries([['g', clipped[i]], ['w', v], ...fused.slots.map((name, j) => [name, slots[i][j]])]);
          const [w, ...s] = this.tf.engine().runKernel(fused.kernel, inputs, fused.attrs) as Tensor[];
          out = { w, s };
        } else {
          const w = wd === undefined ? v : o.sub(v, o.mul(v, wd * this.learningRate));
          out = this.rule.update(o, clipped[i], w, slots[i], c);
        }
        v.assign(constraint ? constraint(out.w) : out.w);
        out.s.forEach((s, j) => slots[i][j].assign(s));
      });
    });
    this.iterations += 1;
  }

  /** The rule's one-kernel form for this step, if it has one and the current backend has that kernel. */
  private fusedStep(c: Coefficients): ReturnType<NonNullable<UpdateRule['fused']>> {
    const fused = this.rule.fused?.(c);
    if (!fused || this.fusedOff) return undefined;
    return this.tf.getKernel(fused.kernel, this.tf.getBackend()) ? fused : undefined;
  }

  /** The constraints of the weights, by variable name: applied after each update, as Keras' `apply` does. */
  setConstraints(constraints: ReadonlyMap<string, WeightConstraint>): void {
    this.constraints = new Map(constraints);
  }

  /** keras/src/optimizers/base_optimizer.py `_clip_gradients`: one of clipnorm, global_clipnorm, clipvalue. */
  private clip(grads: Tensor[]): Tensor[] {
    const tf = this.tf;
    const { clipnorm, globalClipnorm, clipvalue } = this.settings;
    if (clipnorm && clipnorm > 0) {
      return grads.map((g) => {
        const l2sum = tf.sum(tf.square(g), undefined, true);
        const positive = tf.greater(l2sum, 0);
        const l2norm = tf.where(positive, tf.sqrt(tf.where(positive, l2sum, tf.onesLike(l2sum))), l2sum);
        return tf.div(tf.mul(g, clipnorm), tf.maximum(l2norm, clipnorm));
      });
    }
    if (globalClipnorm && globalClipnorm > 0) {
      const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
      // Keras: clip·min(1/norm, 1/clip), plus (norm − norm) so that a non-finite norm gives NaN.
      const scale = tf.add(tf.mul(tf.minimum(tf.div(1, norm), 1 / globalClipnorm), globalClipnorm), tf.sub(norm, norm));
      return grads.map((g) => tf.mul(g, scale));
    }
    if (clipvalue && clipvalue > 0) return grads.map((g) => tf.clipByValue(g, -clipvalue, clipvalue));
    return grads;
  }

  /** The optimizer variables of a model variable, made at its first gradient (Keras' `build`). */
  private slotsOf(v: Variable): Variable[] {
    let s = this.slots.get(v.name);
    if (!s) {
      s = this.rule.slots.map((slot) => this.tf.tidy(() => this.tf.variable(this.tf.fill(v.shape, slot.init, 'float32'), false)));
      this.slots.set(v.name, s);
    }
    return s;
  }

  /** The optimizer variables (for tests and memory accounting), by model variable name. */
  variables(): ReadonlyMap<string, readonly Variable[]> {
    return this.slots;
  }

  dispose(): void {
    for (const s of this.slots.values()) this.tf.dispose(s);
    this.slots.clear();
  }
}
