/**
 * A small AlphaZero-style tic-tac-toe network as a model file (an Input of the two planes, a shared Dense
 * trunk, a 9-unit softmax policy and a 1-unit tanh value), with a self-play RL configuration: smaller than the
 * `tictactoe-zero` template (no conv trunk), for unit tests that need a board-game model fast.
 */
import { reconcileWeights } from '../../src/core/initializers';
import { defaultRlConfig, type RlConfig } from '../../src/core/rl';
import { defaultTrainingConfig, withTraining } from '../../src/core/training';
import type { ModelFile } from '../../src/core/types';

export function ticTacToeZeroModel(seed = 1): ModelFile {
  const dense = (units: number, activation: string) => ({ units, activation, use_bias: true });
  const graph: ModelFile['graph'] = {
    name: 'tictactoe_zero',
    kind: 'Functional',
    inputs: ['board'],
    outputs: ['policy', 'value'],
    layers: [
      { name: 'board', className: 'InputLayer', config: { batch_input_shape: [null, 3, 3, 2], dtype: 'float32', sparse: false }, inbound: [] },
      { name: 'flatten', className: 'Flatten', config: {}, inbound: ['board'] },
      { name: 'trunk', className: 'Dense', config: dense(32, 'relu'), inbound: ['flatten'] },
      { name: 'policy', className: 'Dense', config: dense(9, 'softmax'), inbound: ['trunk'] },
      { name: 'value', className: 'Dense', config: dense(1, 'tanh'), inbound: ['trunk'] },
    ],
  };
  const rl: RlConfig = defaultRlConfig({ environment: 'tictactoe', agent: 'alphazero', episodes: 20 });
  const file: ModelFile = { graph, weights: reconcileWeights(graph, [], seed) };
  return withTraining(file, defaultTrainingConfig({ loss: 'categorical_crossentropy', rl }));
}
