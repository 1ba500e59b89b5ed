/** A small two-head network on tic-tac-toe's [3, 3, 2] board for the self-play tests: a dense trunk, a 9-way softmax policy, a tanh value. */
import type { LayersModel, Tf } from '../../../src/engine/tfjs/tf';

export function twoHeadModel(tf: Tf, valueFirst = false): LayersModel {
  const input = tf.input({ shape: [3, 3, 2] });
  const trunk = tf.layers.dense({ units: 8, activation: 'relu' }).apply(tf.layers.flatten().apply(input)) as ReturnType<typeof tf.input>;
  const value = tf.layers.dense({ units: 1, activation: 'tanh' }).apply(trunk) as ReturnType<typeof tf.input>;
  const policy = tf.layers.dense({ units: 9, activation: 'softmax' }).apply(trunk) as ReturnType<typeof tf.input>;
  return tf.model({ inputs: input, outputs: valueFirst ? [value, policy] : [policy, value] });
}
