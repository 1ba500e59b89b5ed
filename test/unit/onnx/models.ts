/** Small models covering the layers ONNX export handles, each one input -> layers -> one output. */
import { reconcileWeights } from '../../../src/core/initializers';
import type { JsonObject, LayerNode, ModelFile } from '../../../src/core/types';

type Step = [className: string, config: JsonObject, from?: string | string[]];

/** A functional model: `input` then `steps` (each fed by the previous step unless `from` names others). */
export function chain(name: string, input: (number | null)[], steps: Step[], dtype = 'float32'): ModelFile {
  const layers: LayerNode[] = [{ name: 'x', className: 'InputLayer', config: { batch_input_shape: [null, ...input], dtype }, inbound: [] }];
  let last = 'x';
  steps.forEach(([className, config, from], i) => {
    const n = `l${i}`;
    layers.push({ name: n, className, config, inbound: from === undefined ? [last] : Array.isArray(from) ? from : [from] });
    last = n;
  });
  const graph = { name, kind: 'Functional' as const, layers, inputs: ['x'], outputs: [last] };
  const file: ModelFile = { graph, weights: [] };
  file.weights = reconcileWeights(graph, [], 11);
  // BatchNormalization statistics other than 0/1, so that the inference form is really exercised.
  for (const w of file.weights) {
    if (/moving_mean$/.test(w.name)) w.data = w.data.map((_, i) => 0.1 * (i % 5) - 0.2);
    if (/moving_variance$/.test(w.name)) w.data = w.data.map((_, i) => 0.5 + 0.25 * (i % 4));
    if (/(beta|bias)$/.test(w.name)) w.data = w.data.map((_, i) => 0.05 * ((i % 7) - 3));
  }
  return file;
}

const conv = (c: JsonObject): JsonObject => ({ filters: 4, kernel_size: [3, 3], activation: 'linear', ...c });

/** [label, model] pairs; every one must export and match tfjs in ONNX Runtime. */
export function coverageModels(): [string, ModelFile][] {
  // hard_sigmoid is left out: tfjs computes Keras 2's formula and refuses it in our (Keras 3) models; the ONNX
  // mapping of HardSigmoid to Keras 3's formula belongs to the ONNX import work.
  const acts = ['relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'softsign', 'linear', 'gelu', 'swish', 'relu6', 'mish'];
  return [
    ['dense activations', chain('acts', [6], acts.map((a) => ['Dense', { units: 5, activation: a }] as Step))],
    ['dense on rank 3 + LayerNormalization', chain('seq_dense', [4, 6], [['Dense', { units: 5, activation: 'relu' }], ['LayerNormalization', {}]])],
    ['activation layers', chain('act_layers', [7], [['ReLU', {}], ['Dense', { units: 6, activation: 'linear' }], ['LeakyReLU', { alpha: 0.2 }], ['ELU', {}], ['PReLU', { alpha_initializer: 'glorot_uniform' }], ['ReLU', { max_value: 0.5 }], ['Softmax', {}], ['Activation', { activation: 'tanh' }]])],
    ['conv2d same/valid/strides/dilation', chain('convs', [11, 10, 3], [['Conv2D', conv({ padding: 'same', strides: [2, 2] })], ['Conv2D', conv({ padding: 'same', dilation_rate: [2, 2], activation: 'relu' })], ['Conv2D', conv({ padding: 'valid', kernel_size: [2, 3] })], ['BatchNormalization', {}], ['Flatten', {}]])],
    ['conv1d causal/same + pools 1d', chain('conv1d', [12, 3], [['Conv1D', { filters: 4, kernel_size: [3], padding: 'valid', dilation_rate: [2] }], ['Conv1D', { filters: 5, kernel_size: [4], padding: 'same', strides: [2] }], ['MaxPooling1D', { pool_size: [2] }], ['AveragePooling1D', { pool_size: [2], padding: 'same' }], ['GlobalMaxPooling1D', {}]])],
    ['pooling 2d + global', chain('pools', [9, 9, 2], [['MaxPooling2D', { pool_size: [2, 2], padding: 'same' }], ['AveragePooling2D', { pool_size: [3, 3], strides: [2, 2], padding: 'same' }], ['GlobalAveragePooling2D', {}]])],
    ['depthwise + separable + transpose', chain('dw', [8, 8, 3], [['DepthwiseConv2D', { kernel_size: [3, 3], depth_multiplier: 2, padding: 'same' }], ['SeparableConv2D', { filters: 5, kernel_size: [3, 3], activation: 'relu' }], ['Conv2DTranspose', { filters: 3, kernel_size: [3, 3], strides: [2, 2], padding: 'same' }], ['Conv2DTranspose', { filters: 2, kernel_size: [2, 2], strides: [2, 2], padding: 'valid' }]])],
    ['padding, cropping, upsampling, global max', chain('pad', [6, 5, 2], [['ZeroPadding2D', { padding: [[1, 2], [0, 1]] }], ['Cropping2D', { cropping: [[1, 0], [1, 1]] }], ['UpSampling2D', { size: [2, 3] }], ['Conv2D', conv({})], ['GlobalMaxPooling2D', {}]])],
    ['PReLU with shared axes', chain('sep1d', [10, 3], [['Conv1D', { filters: 4, kernel_size: [3], activation: 'relu', padding: 'same' }], ['PReLU', { shared_axes: [1] }], ['GlobalAveragePooling1D', {}]])],
    ['reshape, permute, repeat vector', chain('reshape', [12], [['Reshape', { target_shape: [3, 4] }], ['Permute', { dims: [2, 1] }], ['Flatten', {}], ['RepeatVector', { n: 3 }], ['Dense', { units: 2, activation: 'linear' }]])],
    ['merges', chain('merges', [6], [['Dense', { units: 4, activation: 'linear' }], ['Dense', { units: 4, activation: 'tanh' }, 'x'], ['Add', {}, ['l0', 'l1']], ['Multiply', {}, ['l0', 'l1']], ['Multiply', {}, ['l2', 'l3']], ['Average', {}, ['l0', 'l1', 'l4']], ['Maximum', {}, ['l0', 'l5']], ['Minimum', {}, ['l1', 'l6']], ['Concatenate', {}, ['l7', 'l0']], ['Dot', { axes: 1 }, ['l0', 'l1']], ['Concatenate', { axis: 1 }, ['l8', 'l9']]])],
    ['conv merges in NCHW', chain('conv_merge', [6, 6, 2], [['Conv2D', conv({ padding: 'same' })], ['Conv2D', conv({ padding: 'same' }), 'x'], ['Add', {}, ['l0', 'l1']], ['Concatenate', { axis: -1 }, ['l0', 'l2']], ['Concatenate', { axis: 2 }, ['l3', 'l3']], ['Flatten', {}]])],
    ['embedding + GRU + SimpleRNN', chain('emb_gru', [7], [['Embedding', { input_dim: 20, output_dim: 6 }], ['GRU', { units: 5, return_sequences: true, reset_after: false }], ['SimpleRNN', { units: 4 }]], 'int32')],
    ['LSTM go_backwards + GRU', chain('lstm', [6, 3], [['LSTM', { units: 5, return_sequences: true, go_backwards: true }], ['GRU', { units: 4, go_backwards: true }]])],
    ['Bidirectional concat/sum/ave/mul', chain('bidi', [5, 3], [
      ['Bidirectional', { layer: { class_name: 'LSTM', config: { name: 'lstm', units: 4, return_sequences: true } }, merge_mode: 'concat' }],
      ['Bidirectional', { layer: { class_name: 'GRU', config: { name: 'gru', units: 3, return_sequences: true } }, merge_mode: 'sum' }],
      ['Bidirectional', { layer: { class_name: 'SimpleRNN', config: { name: 'rnn', units: 3, return_sequences: true } }, merge_mode: 'ave' }],
      ['Bidirectional', { layer: { class_name: 'LSTM', config: { name: 'lstm_1', units: 2 } }, merge_mode: 'mul' }],
    ])],
  ];
}
