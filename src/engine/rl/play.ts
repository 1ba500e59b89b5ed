/**
 * Playing with the greedy policy (the action the network rates highest, for a Q-network and a policy alike):
 * the agents' `greedy`, and `model-studio play` / "Try the model" for a trained network.
 */
import type { Env, Random } from '../../core/rl';
import type { LayersModel, Tensor, Tf } from '../tfjs/tf';

/** argmax of the network's output for one observation. */
export function greedyAction(tf: Tf, model: LayersModel, observation: readonly number[]): number {
  const a = tf.tidy(() => tf.argMax(model.apply(tf.tensor2d([observation as number[]])) as Tensor, -1));
  const v = a.dataSync()[0];
  a.dispose();
  return v;
}

/** The returns of `episodes` greedy episodes, each from a start drawn with `random`. */
export function playGreedy(tf: Tf, model: LayersModel, env: Env, episodes: number, random: Random): number[] {
  const returns: number[] = [];
  for (let e = 0; e < episodes; e++) {
    let obs = env.reset(random);
    let ret = 0;
    for (;;) {
      const r = env.step(greedyAction(tf, model, obs));
      ret += r.reward;
      obs = r.observation;
      if (r.terminated || r.truncated) break;
    }
    returns.push(ret);
  }
  return returns;
}
