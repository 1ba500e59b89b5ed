/**
 * The models our users learn with, built into the product. Each template is a graph plus a training
 * configuration that trains it on the matching dataset; weights are initialised when the files are written.
 */
import type { JsonObject, LayerNode, ModelFile, ModelGraph } from './types';
import { defaultTrainingConfig, kerasTrainingConfig, optimizer, SHIPPED_TEXT, type TrainingConfig } from './training';
import { defaultRlConfig, type RlConfig } from './rl/config';

export interface Template {
  id: string;
  title: string;
  /** One line for the New Model picker. */
  description: string;
  build(): ModelFile;
}

/**
 * The seed for a new model's initial weights, so a template starts the same way every time, as a tutorial
 * with `keras.utils.set_random_seed` does. It matters for XOR: a 2-2-1 sigmoid network trained with SGD
 * ends in a local minimum (loss ~0.35) from about a third of random starts; this one converges on every engine.
 */
export const TEMPLATE_SEED = 1;

/** A tiny builder: layers chained in order unless `from` says otherwise. */
class Builder {
  private layers: LayerNode[] = [];
  private last: string | undefined;
  constructor(private readonly name: string) {}

  input(name: string, shape: (number | null)[], dtype = 'float32'): this {
    this.layers.push({ name, className: 'InputLayer', config: { batch_input_shape: [null, ...shape], dtype, sparse: false }, inbound: [] });
    this.last = name;
    return this;
  }

  add(className: string, name: string, config: JsonObject = {}, from?: string | string[]): this {
    const inbound = from === undefined ? (this.last ? [this.last] : []) : Array.isArray(from) ? from : [from];
    this.layers.push({ name, className, config, inbound });
    this.last = name;
    return this;
  }

  get current(): string {
    return this.last as string;
  }

  graph(kind: ModelGraph['kind']): ModelGraph {
    const inputs = this.layers.filter((l) => l.className === 'InputLayer').map((l) => l.name);
    return { name: this.name, kind, layers: this.layers, inputs, outputs: [this.last as string] };
  }
}

function modelFile(graph: ModelGraph, training: TrainingConfig): ModelFile {
  return {
    graph,
    weights: [],
    trainingConfig: kerasTrainingConfig(training),
    userDefinedMetadata: { modelStudio: { training: training as unknown as JsonObject } },
  };
}

const dense = (units: number, activation: string): JsonObject => ({ units, activation, use_bias: true });
const conv = (filters: number, k: number, activation: string, padding = 'valid'): JsonObject => ({
  filters,
  kernel_size: [k, k],
  strides: [1, 1],
  padding,
  activation,
});

/** How both MNIST classifiers (MLP and CNN) train: Adam on integer labels, 5 epochs, 10% held out. */
const mnistClassifierTraining = (): TrainingConfig =>
  defaultTrainingConfig({
    dataset: 'mnist',
    optimizer: optimizer('adam'),
    loss: 'sparse_categorical_crossentropy',
    metrics: ['accuracy'],
    epochs: 5,
    batchSize: 128,
    validationSplit: 0.1,
  });

export const templates: readonly Template[] = [
  {
    id: 'xor',
    title: 'XOR',
    description: 'The classic 2-2-1 sigmoid network that learns XOR with plain SGD.',
    build() {
      const b = new Builder('xor').input('input', [2]).add('Dense', 'hidden', dense(2, 'sigmoid')).add('Dense', 'output', dense(1, 'sigmoid'));
      return modelFile(
        b.graph('Sequential'),
        defaultTrainingConfig({
          dataset: 'xor',
          optimizer: optimizer('sgd', { learning_rate: 1.0, momentum: 0.9 }),
          loss: 'binary_crossentropy',
          metrics: ['accuracy'],
          epochs: 500,
          batchSize: 4,
        }),
      );
    },
  },
  {
    id: 'linear-regression',
    title: 'Linear regression',
    description: 'One Dense unit fitting y = w·x + b on three input variables.',
    build() {
      const b = new Builder('linear_regression').input('features', [3]).add('Dense', 'prediction', dense(1, 'linear'));
      return modelFile(
        b.graph('Sequential'),
        defaultTrainingConfig({ dataset: 'linear', optimizer: optimizer('sgd', { learning_rate: 0.05 }), loss: 'mean_squared_error', metrics: ['mae'], epochs: 30, batchSize: 32 }),
      );
    },
  },
  {
    id: 'mnist-mlp',
    title: 'MNIST MLP',
    description: 'A 784-512-256-10 multilayer perceptron with dropout for handwritten digits.',
    build() {
      const b = new Builder('mnist_mlp')
        .input('image', [28, 28, 1])
        .add('Flatten', 'flatten')
        .add('Dense', 'dense', dense(512, 'relu'))
        .add('Dropout', 'dropout', { rate: 0.2 })
        .add('Dense', 'dense_1', dense(256, 'relu'))
        .add('Dropout', 'dropout_1', { rate: 0.2 })
        .add('Dense', 'digits', dense(10, 'softmax'));
      return modelFile(b.graph('Sequential'), mnistClassifierTraining());
    },
  },
  {
    id: 'mnist-cnn',
    title: 'MNIST CNN',
    description: 'conv32-pool-conv64-pool-dense128-dense10: the convnet that reaches 99% on MNIST.',
    build() {
      const b = new Builder('mnist_cnn')
        .input('image', [28, 28, 1])
        .add('Conv2D', 'conv2d', conv(32, 3, 'relu'))
        .add('MaxPooling2D', 'max_pooling2d', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' })
        .add('Conv2D', 'conv2d_1', conv(64, 3, 'relu'))
        .add('MaxPooling2D', 'max_pooling2d_1', { pool_size: [2, 2], strides: [2, 2], padding: 'valid' })
        .add('Flatten', 'flatten')
        .add('Dense', 'dense', dense(128, 'relu'))
        .add('Dense', 'digits', dense(10, 'softmax'));
      return modelFile(b.graph('Sequential'), mnistClassifierTraining());
    },
  },
  {
    id: 'autoencoder',
    title: 'Autoencoder',
    description: 'A dense 784-32-784 autoencoder that compresses MNIST digits to 32 numbers.',
    build() {
      const b = new Builder('autoencoder')
        .input('image', [28, 28, 1])
        .add('Flatten', 'flatten')
        .add('Dense', 'code', dense(32, 'relu'))
        .add('Dense', 'decoded', dense(784, 'sigmoid'))
        .add('Reshape', 'reconstruction', { target_shape: [28, 28, 1] });
      return modelFile(
        b.graph('Sequential'),
        defaultTrainingConfig({ dataset: 'mnist', target: 'input', optimizer: optimizer('adam'), loss: 'binary_crossentropy', metrics: [], epochs: 10, batchSize: 256 }),
      );
    },
  },
  {
    id: 'char-rnn',
    title: 'Character RNN',
    description: 'Embedding + LSTM + softmax over characters: learns to write text like its training file.',
    build() {
      // 96 symbols: printable ASCII plus newline, the vocabulary the text dataset uses by default. It trains on
      // the text shipped inside the package (the Book of Genesis, public domain: data/text/README.md).
      const b = new Builder('char_rnn')
        .input('chars', [40], 'int32')
        .add('Embedding', 'embedding', { input_dim: 96, output_dim: 32 })
        .add('LSTM', 'lstm', { units: 128, return_sequences: false })
        .add('Dense', 'next_char', dense(96, 'softmax'));
      return modelFile(
        b.graph('Sequential'),
        defaultTrainingConfig({ dataset: SHIPPED_TEXT.kind, optimizer: optimizer('rmsprop', { learning_rate: 0.01 }), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], epochs: 20, batchSize: 128 }),
      );
    },
  },
  {
    id: 'cartpole-dqn',
    title: 'CartPole Q-network',
    description: 'The 4-24-24-2 Q-network of the classic CartPole DQN tutorial.',
    build() {
      const b = new Builder('cartpole_dqn')
        .input('state', [4])
        .add('Dense', 'dense', dense(24, 'relu'))
        .add('Dense', 'dense_1', dense(24, 'relu'))
        .add('Dense', 'q_values', dense(2, 'linear'));
      // Trained on CartPole-v1 until the 100-episode average return reaches 475 (gymnasium's "solved").
      // The tutorial's gamma 0.95 cannot see the cart leave the track in time: 0.99, a larger memory and batch.
      const rl = defaultRlConfig({ environment: 'cartpole', agent: 'dqn', episodes: 1000, gamma: 0.99, epsilonDecay: 0.98, memorySize: 50000, batchSize: 64, targetSyncSteps: 500, stopAtAverage: 475, seed: 1 });
      return modelFile(b.graph('Sequential'), defaultTrainingConfig({ optimizer: optimizer('adam'), loss: 'mean_squared_error', epochs: 1, batchSize: 32, rl }));
    },
  },
  {
    id: 'cartpole-pg',
    title: 'CartPole policy gradient',
    description: 'A 4-128-2 softmax policy that learns CartPole with REINFORCE (discounted, normalised returns).',
    build() {
      const b = new Builder('cartpole_pg')
        .input('state', [4])
        .add('Dense', 'dense', dense(128, 'relu'))
        .add('Dense', 'action_probs', dense(2, 'softmax'));
      // keras.io's policy-gradient CartPole: gamma 0.99, Adam at 0.01, until the running return reaches 195.
      const rl = defaultRlConfig({ environment: 'cartpole', agent: 'reinforce', episodes: 2000, gamma: 0.99, stopAtAverage: 195, seed: 1 });
      return modelFile(b.graph('Sequential'), defaultTrainingConfig({ optimizer: optimizer('adam', { learning_rate: 0.01 }), loss: 'mean_squared_error', epochs: 1, batchSize: 32, rl }));
    },
  },
  {
    id: 'tictactoe-zero',
    title: 'Tic-tac-toe self-play',
    description: 'An AlphaZero-style policy and value network that learns tic-tac-toe by self-play with MCTS.',
    build: () =>
      zeroTemplate('tictactoe_zero', 'tictactoe', [3, 3], 9, 32, 2, { episodes: 25, simulations: 100, temperatureMoves: 4, gamesPerIteration: 32, dirichletAlpha: 1.0, replayPositions: 10000 }),
  },
  {
    id: 'connect4-zero',
    title: 'Connect Four self-play',
    description: 'An AlphaZero-style policy and value network that learns Connect Four by self-play with MCTS.',
    build: () =>
      zeroTemplate('connect4_zero', 'connect4', [6, 7], 7, 32, 2, { episodes: 25, simulations: 50, temperatureMoves: 10, gamesPerIteration: 64, dirichletAlpha: 1.0, replayPositions: 20000, trainingEpochs: 1, batchSize: 128 }),
  },
  {
    id: 'resnet-block',
    title: 'ResNet blocks',
    description: 'A small functional ResNet: two residual blocks with Add skip connections on 32x32 colour images.',
    build() {
      const b = new Builder('resnet_block').input('image', [32, 32, 3]).add('Conv2D', 'stem', conv(32, 3, 'relu', 'same'));
      for (const i of [1, 2]) {
        const skip = b.current;
        b.add('Conv2D', `block${i}_conv1`, conv(32, 3, 'relu', 'same'))
          .add('Conv2D', `block${i}_conv2`, conv(32, 3, 'linear', 'same'))
          .add('Add', `block${i}_add`, {}, [`block${i}_conv2`, skip])
          .add('Activation', `block${i}_out`, { activation: 'relu' });
      }
      b.add('GlobalAveragePooling2D', 'pool').add('Dense', 'classes', dense(10, 'softmax'));
      return modelFile(
        b.graph('Functional'),
        defaultTrainingConfig({ optimizer: optimizer('adam'), loss: 'sparse_categorical_crossentropy', metrics: ['accuracy'], epochs: 10, batchSize: 64 }),
      );
    },
  },
];

/**
 * A two-head network for self-play (src/engine/rl/zero.ts): the board as [rows, cols, 2] (the mover's stones,
 * the opponent's), a trunk of 3x3 convolutions, then a softmax `policy` over the moves and a tanh `value`.
 * Each head's loss is its own (the model has two outputs, see core/training/outputs.ts).
 */
function zeroTemplate(name: string, environment: string, board: [number, number], actions: number, filters: number, convs: number, rl: Partial<RlConfig>): ModelFile {
  const b = new Builder(name).input('board', [...board, 2]);
  for (let i = 1; i <= convs; i++) b.add('Conv2D', `conv${i}`, conv(filters, 3, 'relu', 'same'));
  b.add('Flatten', 'flatten').add('Dense', 'trunk', dense(64, 'relu'));
  b.add('Dense', 'policy', dense(actions, 'softmax'), 'trunk').add('Dense', 'value', dense(1, 'tanh'), 'trunk');
  const graph = { ...b.graph('Functional'), outputs: ['policy', 'value'] };
  const outputs = { policy: { loss: 'categorical_crossentropy', metrics: [] }, value: { loss: 'mean_squared_error', metrics: [] } };
  const config = defaultRlConfig({ environment, agent: 'alphazero', batchSize: 64, seed: 1, ...rl });
  return modelFile(graph, defaultTrainingConfig({ optimizer: optimizer('adam', { learning_rate: 0.002 }), loss: 'categorical_crossentropy', outputs, epochs: 1, batchSize: 64, rl: config }));
}

export function getTemplate(id: string): Template | undefined {
  return templates.find((t) => t.id === id);
}
