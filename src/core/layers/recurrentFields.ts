/**
 * Fields shared by the recurrent layers (recurrent.ts) and the convolutional LSTMs (convLstm.ts), in Keras'
 * config order. A module of its own so neither imports the other.
 */
import { f, kernelBiasFields } from './fields';
import type { FieldSpec } from './spec';

/**
 * The fields every Keras recurrent cell has, in Keras' config order, from `activation` to `recurrent_dropout`
 * (shared with ConvLSTM, whose cell is an LSTM cell with convolutions: keras/src/layers/rnn/conv_lstm.py).
 */
export function cellFields(o: { gated: boolean; unitForgetBias: boolean }): FieldSpec[] {
  const kb = kernelBiasFields();
  return [
    f.activation('activation', 'tanh', 'Activation of the candidate state'),
    ...(o.gated ? [f.activation('recurrent_activation', 'sigmoid', 'Activation of the gates')] : []),
    f.bool('use_bias', true, 'Whether to add bias vectors'),
    kb[0],
    f.initializer('recurrent_initializer', 'orthogonal', 'How the recurrent kernel starts'),
    kb[1],
    ...(o.unitForgetBias ? [f.bool('unit_forget_bias', true, 'Start the forget-gate bias at 1', { advanced: true })] : []),
    kb[2],
    f.regularizer('recurrent_regularizer'),
    kb[3],
    kb[4],
    kb[5],
    f.constraint('recurrent_constraint'),
    kb[6],
    f.float('dropout', 0, 'Fraction of the inputs dropped', { min: 0, max: 1 }),
    f.float('recurrent_dropout', 0, 'Fraction of the recurrent state dropped', { min: 0, max: 1 }),
  ];
}

/** The fields of Keras' RNN wrapper every recurrent layer takes: what it returns and how it runs the loop. */
export function sequenceFields(): FieldSpec[] {
  return [
    f.bool('return_sequences', false, 'Output every time step instead of the last'),
    f.bool('return_state', false, 'Also output the final state (several outputs)', { advanced: true }),
    f.bool('go_backwards', false, 'Process the sequence backwards', { advanced: true }),
    f.bool('stateful', false, 'Keep the state between batches', { advanced: true }),
    f.bool('unroll', false, 'Unroll the loop (faster for short sequences, more memory)', { advanced: true }),
  ];
}
