/**
 * Models whose recurrent layers read Keras' mask (an Embedding with mask_zero=True before them): for the PyTorch
 * code, which carries the mask into a step-by-step recurrence. The ids have zeros at the start, in the middle and
 * at the end of the sequences, and one sequence is all zeros. Keras (on the .keras file we write) is the reference.
 */
import type { JsonObject } from '../../src/core/types';
import { chain } from '../unit/core/helpers';
import type { CodegenCase } from './codegenRun';
import { randomModel } from './forwardRun';

const STEPS = 6;
const IDS = [
  [3, 0, 5, 0, 0, 2],
  [0, 0, 4, 7, 1, 9],
  [6, 2, 8, 1, 0, 0],
  [0, 0, 0, 0, 0, 0],
];

const embedding: [string, JsonObject] = ['Embedding', { input_dim: 10, output_dim: 4, mask_zero: true }];
const rnn = (cls: string, config: JsonObject): [string, JsonObject] => [cls, { units: 3, ...config }];
const bi = (cls: string, config: JsonObject, merge: string): [string, JsonObject] => ['Bidirectional', { layer: { class_name: cls, config: { name: cls.toLowerCase(), units: 3, ...config } }, merge_mode: merge }];

const CASES: [string, [string, JsonObject][]][] = [
  ['mask:LSTM', [embedding, rnn('LSTM', {})]],
  ['mask:LSTM[sequences]', [embedding, rnn('LSTM', { return_sequences: true })]],
  ['mask:GRU[sequences]', [embedding, rnn('GRU', { return_sequences: true, reset_after: true })]],
  ['mask:GRU[reset_after=false]', [embedding, rnn('GRU', { reset_after: false })]],
  ['mask:SimpleRNN[go_backwards,sequences]', [embedding, rnn('SimpleRNN', { go_backwards: true, return_sequences: true })]],
  ['mask:Dense>LSTM', [embedding, ['Dense', { units: 5, activation: 'tanh' }], rnn('LSTM', {})]],
  ['mask:LSTM>GRU', [embedding, rnn('LSTM', { return_sequences: true }), rnn('GRU', { reset_after: true })]],
  ['mask:Bidirectional[LSTM,sequences,concat]', [embedding, bi('LSTM', { return_sequences: true }, 'concat')]],
  ['mask:Bidirectional[GRU,sum]', [embedding, bi('GRU', { reset_after: true }, 'sum')]],
  // Flatten receives the mask: not translated (named, and the forward pass raises).
  ['mask:Flatten', [embedding, ['Flatten', {}], ['Dense', { units: 2 }]]],
];

/** The cases whose output carries the mask (the last recurrent layer returns sequences): Keras' loss masks them. */
export const MASKED_OUTPUTS = new Set(['Embedding[mask_zero]', ...CASES.map(([id]) => id).filter((id) => /^mask:[^>]*sequences[^>]*$/.test(id))]);

export function maskCases(): CodegenCase[] {
  return CASES.map(([id, layers], i) => ({
    id,
    file: randomModel(chain([null, STEPS], layers, 'masked'), 5000 + i),
    xs: [{ shape: [IDS.length, STEPS], data: Float32Array.from(IDS.flat()) }],
    int: true,
    reference: 'keras' as const,
  }));
}
