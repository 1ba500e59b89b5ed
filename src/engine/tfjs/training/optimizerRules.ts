/**
 * Keras 3's update rules, one per optimizer, transcribed from keras/src/optimizers/{sgd,rmsprop,adam,adagrad,
 * adadelta,adamax,nadam}.py `update_step` (AdamW is Adam with a weight decay, which the base applies). A rule
 * names its state slots (Keras' optimizer variables, with their initial value), computes once per step the
 * scalars every variable shares, and maps (gradient, weight, slots) to their new values. The base
 * (kerasOptimizer.ts) assigns them in place.
 */
import type { Tensor, Tf } from '../tf';
import { ADAM_STEP } from '../kernels/adam_kernel';

/** Scalars of one step, shared by every variable: the learning rate and the rule's own coefficients. */
export type Coefficients = { lr: number } & Record<string, number>;

/**
 * The element-wise operations a rule uses. Numbers become scalars once per step, shared by every variable
 * (one small upload each on a GPU backend, however many weights the model has).
 */
export interface Ops {
  add(a: Tensor | number, b: Tensor | number): Tensor;
  sub(a: Tensor | number, b: Tensor | number): Tensor;
  mul(a: Tensor | number, b: Tensor | number): Tensor;
  div(a: Tensor | number, b: Tensor | number): Tensor;
  maximum(a: Tensor, b: Tensor): Tensor;
  square(a: Tensor): Tensor;
  sqrt(a: Tensor): Tensor;
  abs(a: Tensor): Tensor;
  neg(a: Tensor): Tensor;
}

export interface UpdateRule {
  /** Keras' optimizer variables per model variable, with the value they start at. */
  readonly slots: readonly { name: string; init: number }[];
  /** Once per step, before any variable: `step` is Keras' `iterations + 1`. */
  coefficients(step: number, lr: number): Coefficients;
  /** The new weight and the new slot values (same order as `slots`). */
  update(o: Ops, g: Tensor, w: Tensor, s: Tensor[], c: Coefficients): { w: Tensor; s: Tensor[] };
  /**
   * The same update as one kernel of our own (inputs {g, w} and the slots by their kernel names; outputs the
   * weight then the slots), where the backend has it: one pass over memory instead of a kernel per operation.
   */
  fused?(c: Coefficients): { kernel: string; slots: string[]; attrs: Record<string, number> } | undefined;
}

/** Ops over tfjs, with every number turned into a scalar once (`scalars` lives as long as one step's tidy). */
export function opsOf(tf: Tf, scalars = new Map<number, Tensor>()): Ops {
  const t = (x: Tensor | number): Tensor => {
    if (typeof x !== 'number') return x;
    let c = scalars.get(x);
    if (!c) scalars.set(x, (c = tf.scalar(x, 'float32')));
    return c;
  };
  return {
    add: (a, b) => tf.add(t(a), t(b)),
    sub: (a, b) => tf.sub(t(a), t(b)),
    mul: (a, b) => tf.mul(t(a), t(b)),
    div: (a, b) => tf.div(t(a), t(b)),
    maximum: (a, b) => tf.maximum(a, b),
    square: (a) => tf.square(a),
    sqrt: (a) => tf.sqrt(a),
    abs: (a) => tf.abs(a),
    neg: (a) => tf.neg(a),
  };
}

type P = Record<string, number | boolean>;
const n = (p: P, k: string) => p[k] as number;

/** keras/src/optimizers/sgd.py: m = m·momentum − lr·g; w += m (Nesterov: w += m·momentum − lr·g). */
export function sgd(p: P): UpdateRule {
  const momentum = n(p, 'momentum');
  const nesterov = p.nesterov === true;
  return {
    slots: momentum !== 0 ? [{ name: 'momentum', init: 0 }] : [],
    coefficients: (_step, lr) => ({ lr }),
    update(o, g, w, s, { lr }) {
      if (momentum === 0) return { w: o.sub(w, o.mul(g, lr)), s: [] };
      const m = o.sub(o.mul(s[0], momentum), o.mul(g, lr));
      const next = nesterov ? o.add(w, o.sub(o.mul(m, momentum), o.mul(g, lr))) : o.add(w, m);
      return { w: next, s: [m] };
    },
  };
}

/** keras/src/optimizers/rmsprop.py, with `centered` (the mean gradient subtracted) and `momentum`. */
export function rmsprop(p: P): UpdateRule {
  const [rho, momentum, epsilon] = [n(p, 'rho'), n(p, 'momentum'), n(p, 'epsilon')];
  const centered = p.centered === true;
  const slots = [{ name: 'velocity', init: 0 }];
  if (momentum > 0) slots.push({ name: 'momentum', init: 0 });
  if (centered) slots.push({ name: 'average_gradient', init: 0 });
  return {
    slots,
    coefficients: (_step, lr) => ({ lr }),
    update(o, g, w, s, { lr }) {
      const velocity = o.add(o.mul(s[0], rho), o.mul(o.square(g), 1 - rho));
      const out: Tensor[] = [velocity];
      let denominator: Tensor;
      let average: Tensor | undefined;
      if (centered) {
        average = o.add(o.mul(s[s.length - 1], rho), o.mul(g, 1 - rho));
        denominator = o.add(o.sub(velocity, o.square(average)), epsilon);
      } else denominator = o.add(velocity, epsilon);
      const increment = o.div(o.mul(g, lr), o.sqrt(denominator));
      let next: Tensor;
      if (momentum > 0) {
        const mom = o.add(o.mul(s[1], momentum), increment);
        out.push(mom);
        next = o.sub(w, mom);
      } else next = o.sub(w, increment);
      if (average) out.push(average);
      return { w: next, s: out };
    },
  };
}

/** keras/src/optimizers/adam.py: epsilon added to √v after the bias corrections folded into the step size. */
export function adam(p: P): UpdateRule {
  const [beta1, beta2, epsilon] = [n(p, 'beta_1'), n(p, 'beta_2'), n(p, 'epsilon')];
  const amsgrad = p.amsgrad === true;
  const slots = [
    { name: 'momentum', init: 0 },
    { name: 'velocity', init: 0 },
  ];
  if (amsgrad) slots.push({ name: 'velocity_hat', init: 0 });
  return {
    slots,
    coefficients: (step, lr) => ({ lr, alpha: (lr * Math.sqrt(1 - Math.pow(beta2, step))) / (1 - Math.pow(beta1, step)) }),
    update(o, g, w, s, c) {
      const m = o.add(s[0], o.mul(o.sub(g, s[0]), 1 - beta1));
      const v = o.add(s[1], o.mul(o.sub(o.square(g), s[1]), 1 - beta2));
      const vHat = amsgrad ? o.maximum(s[2], v) : undefined;
      const next = o.sub(w, o.div(o.mul(m, c.alpha), o.add(o.sqrt(vHat ?? v), epsilon)));
      return { w: next, s: vHat ? [m, v, vHat] : [m, v] };
    },
    // kernels/adam_kernel.ts: this update, element by element, rounded as these ops round.
    fused: (c) => (amsgrad ? undefined : { kernel: ADAM_STEP, slots: ['m', 'v'], attrs: { beta1, beta2, epsilon, alpha: c.alpha } }),
  };
}

/** keras/src/optimizers/adagrad.py: the accumulator starts at initial_accumulator_value; epsilon under the root. */
export function adagrad(p: P): UpdateRule {
  const epsilon = n(p, 'epsilon');
  return {
    slots: [{ name: 'accumulator', init: n(p, 'initial_accumulator_value') }],
    coefficients: (_step, lr) => ({ lr }),
    update(o, g, w, s, { lr }) {
      const acc = o.add(s[0], o.square(g));
      return { w: o.sub(w, o.div(o.mul(g, lr), o.sqrt(o.add(acc, epsilon)))), s: [acc] };
    },
  };
}

/** keras/src/optimizers/adadelta.py: the step is scaled by the learning rate (1.0 in the paper, 0.001 in Keras). */
export function adadelta(p: P): UpdateRule {
  const [rho, epsilon] = [n(p, 'rho'), n(p, 'epsilon')];
  return {
    slots: [
      { name: 'accumulated_grad', init: 0 },
      { name: 'accumulated_delta_var', init: 0 },
    ],
    coefficients: (_step, lr) => ({ lr }),
    update(o, g, w, s, { lr }) {
      const rms = (x: Tensor) => o.sqrt(o.add(x, epsilon));
      const accGrad = o.add(o.mul(s[0], rho), o.mul(o.square(g), 1 - rho));
      const delta = o.neg(o.div(o.mul(rms(s[1]), g), rms(accGrad)));
      const accDelta = o.add(o.mul(s[1], rho), o.mul(o.square(delta), 1 - rho));
      return { w: o.add(w, o.mul(delta, lr)), s: [accGrad, accDelta] };
    },
  };
}

/** keras/src/optimizers/adamax.py: the infinity norm u = max(β2·u, |g|). */
export function adamax(p: P): UpdateRule {
  const [beta1, beta2, epsilon] = [n(p, 'beta_1'), n(p, 'beta_2'), n(p, 'epsilon')];
  return {
    slots: [
      { name: 'momentum', init: 0 },
      { name: 'norm', init: 0 },
    ],
    coefficients: (step, lr) => ({ lr, correction: 1 - Math.pow(beta1, step) }),
    update(o, g, w, s, c) {
      const m = o.add(s[0], o.mul(o.sub(g, s[0]), 1 - beta1));
      const u = o.maximum(o.mul(s[1], beta2), o.abs(g));
      return { w: o.sub(w, o.div(o.mul(m, c.lr), o.mul(o.add(u, epsilon), c.correction))), s: [m, u] };
    },
  };
}

/**
 * keras/src/optimizers/nadam.py: Adam with Nesterov momentum and the momentum schedule
 * u_t = β1·(1 − 0.5·0.96^t), whose running product is updated once per step, before the variables.
 */
export function nadam(p: P): UpdateRule {
  const [beta1, beta2, epsilon] = [n(p, 'beta_1'), n(p, 'beta_2'), n(p, 'epsilon')];
  const u = (t: number) => beta1 * (1 - 0.5 * Math.pow(0.96, t));
  let uProduct = 1;
  return {
    slots: [
      { name: 'momentum', init: 0 },
      { name: 'velocity', init: 0 },
    ],
    coefficients(step, lr) {
      uProduct *= u(step);
      const [ut, ut1] = [u(step), u(step + 1)];
      return { lr, ut, ut1, uProduct, uProduct1: uProduct * ut1, beta2Power: Math.pow(beta2, step) };
    },
    update(o, g, w, s, c) {
      const m = o.add(s[0], o.mul(o.sub(g, s[0]), 1 - beta1));
      const v = o.add(s[1], o.mul(o.sub(o.square(g), s[1]), 1 - beta2));
      const mHat = o.add(o.div(o.mul(m, c.ut1), 1 - c.uProduct1), o.div(o.mul(g, 1 - c.ut), 1 - c.uProduct));
      const vHat = o.div(v, 1 - c.beta2Power);
      return { w: o.sub(w, o.div(o.mul(mHat, c.lr), o.add(o.sqrt(vHat), epsilon))), s: [m, v] };
    },
  };
}
