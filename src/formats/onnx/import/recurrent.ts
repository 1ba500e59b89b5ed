/** Recurrent operators: RNN / LSTM / GRU as SimpleRNN / LSTM / GRU, or Bidirectional around one. */
import { snakeCase } from '../../../core/graph';
import type { JsonObject } from '../../../core/types';
import { reorderGates, transposeData } from '../emitter';
import type { Attrs, onnx } from '../proto';
import { Skip, type Importer, type OpImporters } from './importer';
import { UNIT_AXIS } from './patterns';

const RNN_ACT: Record<string, string> = { Tanh: 'tanh', Sigmoid: 'sigmoid', Relu: 'relu', HardSigmoid: 'hard_sigmoid' };

/**
 * ONNX RNN / LSTM / GRU, input (steps, batch, features) -> Keras SimpleRNN / LSTM / GRU, or Bidirectional
 * around one. Forward ones use Y (whole sequence) or Y_h (last state) directly; reverse and bidirectional
 * ones come through `foldPatterns` with `ms_view` saying which tensor is the Keras output.
 */
function recurrent(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const ins = n.input!;
  const outs = n.output ?? [];
  const hint = n.name || outs[0] || n.opType!;
  const op = n.opType!;
  const W = imp.constOf(ins[1]);
  const R = imp.constOf(ins[2]);
  const B = ins[3] ? imp.constOf(ins[3]) : undefined;
  if (!W || !R || (ins[3] && !B)) throw new Skip(`${op} ${hint}: weights must be constants`);
  if (ins.slice(4).some((i) => i)) throw new Skip(`${op} ${hint}: sequence lengths, initial states or peepholes`);
  const direction = a.str('direction', 'forward');
  const view = a.int('ms_view', 0) === 1;
  if (direction === 'bidirectional' && !view) throw new Skip(`${op} ${hint}: bidirectional, with outputs not merged the way Keras' Bidirectional merges them`);
  if (a.has('clip') || a.int('input_forget', 0) !== 0 || a.int('layout', 0) !== 0) throw new Skip(`${op} ${hint}: clip, input_forget or layout`);
  const units = a.int('hidden_size', R.dims[2]!);
  const gates = op === 'LSTM' ? 4 : op === 'GRU' ? 3 : 1;
  const order = op === 'LSTM' ? [0, 2, 3, 1] : op === 'GRU' ? [0, 1, 2] : [0]; // ONNX i,o,f,c -> Keras i,f,c,o
  const nd = direction === 'bidirectional' ? 2 : 1;
  const defaults = op === 'LSTM' ? ['Sigmoid', 'Tanh', 'Tanh'] : op === 'GRU' ? ['Sigmoid', 'Tanh'] : ['Tanh'];
  const allActs = a.strs('activations') ?? [...defaults, ...(nd === 2 ? defaults : [])];
  const acts = allActs.slice(0, defaults.length).map((x) => RNN_ACT[x]);
  const sameBothWays = allActs.length === defaults.length * nd && allActs.slice(defaults.length).every((x, i) => x === allActs[i]);
  if (acts.some((x) => !x) || (op === 'LSTM' && acts[1] !== acts[2]) || !sameBothWays) throw new Skip(`${op} ${hint}: activations ${allActs.join(', ')}`);
  const t = imp.kt(ins[0]!, n);
  // X is (steps, batch, features): the Keras tensor must be (batch, steps, features).
  const x = imp.viewAs(t, [1, 0, 2], hint);
  const inDim = W.dims[2]!;
  const cls = op === 'RNN' ? 'SimpleRNN' : op;
  let seqUsed: boolean;
  if (view) {
    seqUsed = a.int('ms_seq', 0) === 1;
  } else {
    seqUsed = !!outs[0] && (imp.consumers.get(outs[0]) ?? 0) > 0;
    const stateUsed = outs.slice(1).some((o) => o && (imp.consumers.get(o) ?? 0) > 0);
    if (seqUsed && stateUsed) throw new Skip(`${op} ${hint}: both the sequence and the final state are used`);
    if (outs[2] && (imp.consumers.get(outs[2]) ?? 0) > 0) throw new Skip(`${op} ${hint}: the cell state output is used`);
    if (direction === 'reverse' && seqUsed) throw new Skip(`${op} ${hint}: reverse direction with the whole sequence used in ONNX' (input-aligned) order`);
  }
  const config: JsonObject = { units, activation: op === 'RNN' ? acts[0]! : acts[1]!, use_bias: true, return_sequences: seqUsed, go_backwards: direction === 'reverse' };
  if (op !== 'RNN') config.recurrent_activation = acts[0]!;
  const lbr = op === 'GRU' && a.int('linear_before_reset', 0) === 1;
  if (op === 'GRU') config.reset_after = lbr;
  const G = gates * units;
  const addDirection = (layer: string, prefix: string, d: number) => {
    // ONNX W (dirs, gates*units, in) -> Keras kernel (in, gates*units) in Keras gate order.
    const w = W.data.subarray(d * G * inDim, (d + 1) * G * inDim);
    const r = R.data.subarray(d * G * units, (d + 1) * G * units);
    imp.addWeight(layer, `${prefix}kernel`, [inDim, G], reorderGates(transposeData(w, [G, inDim], [1, 0]).data, inDim, units, order));
    imp.addWeight(layer, `${prefix}recurrent_kernel`, [units, G], reorderGates(transposeData(r, [G, units], [1, 0]).data, units, units, order));
    const bw = B ? B.data.subarray(d * 2 * G, d * 2 * G + G) : new Float32Array(G);
    const br = B ? B.data.subarray(d * 2 * G + G, (d + 1) * 2 * G) : new Float32Array(G);
    if (lbr) imp.addWeight(layer, `${prefix}bias`, [2, G], [...reorderGates(bw, 1, units, order), ...reorderGates(br, 1, units, order)]);
    else imp.addWeight(layer, `${prefix}bias`, [G], reorderGates(Float32Array.from(bw, (v, i) => v + br[i]!), 1, units, order));
  };
  let layer: string;
  if (nd === 2) {
    const inner = snakeCase(cls);
    const merge = a.str('ms_merge', 'concat');
    layer = imp.addLayer('Bidirectional', { layer: { class_name: cls, config: { name: inner, ...config } }, merge_mode: merge }, [x], hint);
    addDirection(layer, `forward_${inner}/`, 0);
    addDirection(layer, `backward_${inner}/`, 1);
  } else {
    layer = imp.addLayer(cls, config, [x], hint);
    addDirection(layer, '', 0);
  }
  if (view) {
    imp.alias(outs[0], { layer, axes: (a.ints('ms_axes') ?? []).map((v) => (v === UNIT_AXIS ? 'u' : v)) });
    return;
  }
  // Y (steps, 1, batch, units) and Y_h (1, batch, units) as views of the Keras output.
  if (outs[0]) imp.alias(outs[0], { layer, axes: [1, 'u', 0, 2] });
  if (outs[1]) imp.alias(outs[1], { layer, axes: ['u', 0, 1] });
}

export const recurrentImporters: OpImporters = { LSTM: recurrent, GRU: recurrent, RNN: recurrent };
