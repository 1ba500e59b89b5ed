/**
 * Keras 3's update rules, one per optimizer, transcribed from keras/src/optimizers/{sgd,rmsprop,adam,adagrad,
 * adadelta,adamax,nadam}.py `update_step` (AdamW is Adam with a weight decay, which the base applies). A rule
 * names its state slots (Keras' optimizer variables, with their initial value), computes once per step the
 * scalars every variable shares, and maps (gradient, weight, slots) to their new values. The base
 * (kerasOptimizer.ts) assigns them in place.
 */
import type { Tensor, Tf } from '../tf';

/** Scalars of one step, shared by every variable: the learning rate and the rule's own coefficients. */
export type Coefficients = { lr: number } & Record<string, number>;

export interface UpdateRule {
  /** Keras' optimizer variables per model variable, with the value they start at. */
  readonly slots: readonly { name: string; init: number }[];
  /** Once per step, before any variable: `step` is Keras' `iterations + 1`. */
  coefficients(step: number, lr: number): Coefficients;
  /** The new weight and the new slot values (same order as `slots`). */
  update(tf: Tf, g: Tensor, w: Tensor, s: Tensor[], c: Coefficients): { w: Tensor; s: Tensor[] };
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
    update(tf, g, w, s, { lr }) {
      if (momentum === 0) return { w: tf.sub(w, tf.mul(g, lr)), s: [] };
      const m = tf.sub(tf.mul(s[0], momentum), tf.mul(g, lr));
      const next = nesterov ? tf.add(w, tf.sub(tf.mul(m, momentum), tf.mul(g, lr))) : tf.add(w, m);
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
    update(tf, g, w, s, { lr }) {
      const velocity = tf.add(tf.mul(s[0], rho), tf.mul(tf.square(g), 1 - rho));
      const out: Tensor[] = [velocity];
      let denominator: Tensor;
      let average: Tensor | undefined;
      if (centered) {
        average = tf.add(tf.mul(s[s.length - 1], rho), tf.mul(g, 1 - rho));
        denominator = tf.add(tf.sub(velocity, tf.square(average)), epsilon);
      } else denominator = tf.add(velocity, epsilon);
      const increment = tf.div(tf.mul(g, lr), tf.sqrt(denominator));
      let next: Tensor;
      if (momentum > 0) {
        const mom = tf.add(tf.mul(s[1], momentum), increment);
        out.push(mom);
        next = tf.sub(w, mom);
      } else next = tf.sub(w, increment);
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
    update(tf, g, w, s, c) {
      const m = tf.add(s[0], tf.mul(tf.sub(g, s[0]), 1 - beta1));
      const v = tf.add(s[1], tf.mul(tf.sub(tf.square(g), s[1]), 1 - beta2));
      const vHat = amsgrad ? tf.maximum(s[2], v) : undefined;
      const next = tf.sub(w, tf.div(tf.mul(m, c.alpha), tf.add(tf.sqrt(vHat ?? v), epsilon)));
      return { w: next, s: vHat ? [m, v, vHat] : [m, v] };
    },
  };
}

/** keras/src/optimizers/adagrad.py: the accumulator starts at initial_accumulator_value; epsilon under the root. */
export function adagrad(p: P): UpdateRule {
  const epsilon = n(p, 'epsilon');
  return {
    slots: [{ name: 'accumulator', init: n(p, 'initial_accumulator_value') }],
    coefficients: (_step, lr) => ({ lr }),
    update(tf, g, w, s, { lr }) {
      const acc = tf.add(s[0], tf.square(g));
      return { w: tf.sub(w, tf.div(tf.mul(g, lr), tf.sqrt(tf.add(acc, epsilon)))), s: [acc] };
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
    update(tf, g, w, s, { lr }) {
      const rms = (x: Tensor) => tf.sqrt(tf.add(x, epsilon));
      const accGrad = tf.add(tf.mul(s[0], rho), tf.mul(tf.square(g), 1 - rho));
      const delta = tf.neg(tf.div(tf.mul(rms(s[1]), g), rms(accGrad)));
      const accDelta = tf.add(tf.mul(s[1], rho), tf.mul(tf.square(delta), 1 - rho));
      return { w: tf.add(w, tf.mul(delta, lr)), s: [accGrad, accDelta] };
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
    update(tf, g, w, s, c) {
      const m = tf.add(s[0], tf.mul(tf.sub(g, s[0]), 1 - beta1));
      const u = tf.maximum(tf.mul(s[1], beta2), tf.abs(g));
      return { w: tf.sub(w, tf.div(tf.mul(m, c.lr), tf.mul(tf.add(u, epsilon), c.correction))), s: [m, u] };
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
    update(tf, g, w, s, c) {
      const m = tf.add(s[0], tf.mul(tf.sub(g, s[0]), 1 - beta1));
      const v = tf.add(s[1], tf.mul(tf.sub(tf.square(g), s[1]), 1 - beta2));
      const mHat = tf.add(tf.div(tf.mul(m, c.ut1), 1 - c.uProduct1), tf.div(tf.mul(g, 1 - c.ut), 1 - c.uProduct));
      const vHat = tf.div(v, 1 - c.beta2Power);
      return { w: tf.sub(w, tf.div(tf.mul(mHat, c.lr), tf.add(tf.sqrt(vHat), epsilon))), s: [m, v] };
    },
  };
}
