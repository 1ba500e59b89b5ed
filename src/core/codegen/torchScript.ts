/**
 * The model as a PyTorch script: an `nn.Module` whose forward pass follows the graph with Keras' semantics
 * (./torchLayers.ts), our weights read from the TF.js model.json Model Studio writes (names as Keras gives
 * them, `dense/kernel`) and copied in with the right transposes, and a training loop with the same optimizer,
 * loss and batch size. Layers with no faithful PyTorch equivalent are named in a comment and raise in forward.
 */
import type { Analysis } from '../analysis';
import { topologicalOrder } from '../graph';
import type { TrainingConfig } from '../training/config';
import type { JsonObject, LayerNode, ModelFile } from '../types';
import { indent, pyClassName, pyStr, uniqueIdents } from './python';
import { torchLayer, type TorchLayer } from './torchLayers';
import { helperLines } from './torchHelpers';
import { torchTrainingLines } from './torchTraining';

export interface TorchModule {
  lines: string[];
  className: string;
  /** `layer (Class): why` for each layer without a faithful equivalent. */
  unsupported: string[];
  /** Why the loss cannot be Keras' (an output carries Keras' mask), if it cannot. */
  maskedOutput?: string;
}

/** Layers that act per time step and pass Keras' mask on unchanged (their `compute_mask` returns the input's). */
const MASK_KEEPERS = new Set(['Dense', 'Activation', 'ReLU', 'LeakyReLU', 'ELU', 'Dropout', 'TimeDistributed', 'LayerNormalization']);

function returnsSequences(l: LayerNode): boolean {
  const c = l.className === 'Bidirectional' ? ((l.config.layer as JsonObject | undefined)?.config as JsonObject | undefined) : l.config;
  return c?.return_sequences === true;
}

/** Why a layer cannot take Keras' mask of its input here, or null. */
function maskProblem(l: LayerNode, t: TorchLayer, from: string): string | null {
  if (l.inbound.length > 1) return `it merges a tensor that carries Keras' mask (from Embedding "${from}", mask_zero=True), which this PyTorch code does not carry`;
  if (t.usesMask || MASK_KEEPERS.has(l.className)) return null;
  return `it receives Keras' mask (from Embedding "${from}", mask_zero=True), which this PyTorch code does not carry`;
}


/** The module class: layers in `__init__`, the graph in `forward`, our weights in `load_keras_weights`. */
export function torchModule(file: ModelFile, a: Analysis): TorchModule {
  const g = file.graph;
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const order = topologicalOrder(g).order.map((n) => byName.get(n)!).filter(Boolean);
  const inner = order.filter((l) => l.className !== 'InputLayer');
  const attrs = uniqueIdents(inner.map((l) => l.name), new Set(['forward', 'training', 'load_keras_weights']));
  const vars = uniqueIdents(order.map((l) => l.name), new Set(['self', 'inputs', 'torch', 'nn', 'F', 'np']));
  const init: string[] = [];
  const forward: string[] = [];
  const load: string[] = [];
  const unsupported: string[] = [];
  /** Keras' mask of a layer's output: its variable and the Embedding it comes from. */
  const masks = new Map<string, { v: string; from: string }>();
  const taken = new Set(vars.values());
  for (const l of inner) {
    const info = a.layers.get(l.name)!;
    const t = torchLayer(info, l.config);
    const attr = `self.${attrs.get(l.name)}`;
    const ins = l.inbound.map((i) => vars.get(i)!);
    const inMask = l.inbound.map((i) => masks.get(i)).find(Boolean);
    const problem = 'unsupported' in t ? t.unsupported : inMask ? maskProblem(l, t, inMask.from) : null;
    if (problem || 'unsupported' in t) {
      const why = `${l.name} (${l.className}): no faithful PyTorch equivalent: ${problem}`;
      unsupported.push(why);
      init.push(`# ${why}`);
      forward.push(`raise NotImplementedError(${pyStr(why)})`);
      continue;
    }
    const layer: TorchLayer = t;
    const v = vars.get(l.name)!;
    if (layer.init) init.push(`${attr} = ${layer.init}`);
    forward.push(`${v} = ${layer.call(ins, attr, layer.usesMask ? inMask?.v : undefined)}`);
    if (l.className === 'Embedding' && l.config.mask_zero === true) {
      let mv = `${v}_mask`;
      while (taken.has(mv)) mv += '_';
      taken.add(mv);
      forward.push(`${mv} = ${ins[0]} != 0  # Keras' mask (mask_zero=True): the steps whose id is not 0`);
      masks.set(l.name, { v: mv, from: l.name });
    } else if (inMask && (MASK_KEEPERS.has(l.className) || returnsSequences(l))) masks.set(l.name, inMask);
    if (layer.load) {
      const names = info.weights.map((w) => `${l.name}/${w.name}`);
      load.push(...layer.load(attr, (i) => `weights[${pyStr(names[i])}]`));
    }
  }
  const className = pyClassName(g.name);
  const ins = g.inputs.map((n) => vars.get(n)!);
  const lines = [
    `class ${className}(nn.Module):`,
    ...indent([
      `"""${g.name} with Keras' semantics: inputs and outputs channels-last, as in Keras."""`,
      '',
      'def __init__(self):',
      ...indent(['super().__init__()', ...init]),
      '',
      `def forward(self, ${g.inputs.length === 1 ? ins[0] : '*inputs'}):`,
      ...indent([...(g.inputs.length === 1 ? [] : [`${ins.join(', ')} = inputs`]), ...forward, `return ${g.outputs.map((o) => vars.get(o)!).join(', ')}`]),
      '',
      '@torch.no_grad()',
      'def load_keras_weights(self, weights):',
      ...indent(load.length ? load : ['pass']),
    ]),
  ];
  const masked = g.outputs.map((o) => masks.get(o)).find(Boolean);
  const maskedOutput = masked && `the model's output carries Keras' mask (from Embedding "${masked.from}", mask_zero=True), which Keras' loss applies (masked steps left out); the loss here does not`;
  return { lines, className, unsupported, ...(maskedOutput ? { maskedOutput } : {}) };
}

/** The whole PyTorch script. */
export function torchScript(file: ModelFile, a: Analysis, t: TrainingConfig, weightsPath: string | undefined, header: string[]): { code: string; unsupported: string[]; maskedOutput?: string } {
  const m = torchModule(file, a);
  const lines = [
    ...header,
    'import json',
    'import os',
    '',
    'import numpy as np',
    'import torch',
    'from torch import nn',
    'import torch.nn.functional as F',
    ...(weightsPath ? ['', `WEIGHTS_FILE = ${pyStr(weightsPath)}  # the TF.js model.json Model Studio saved`] : []),
    '',
    '',
    ...helperLines(m.lines),
    '',
    '',
    ...m.lines,
    '',
    '',
    'def build_model():',
    ...indent([`model = ${m.className}()`, ...(weightsPath ? ['model.load_keras_weights(read_weights(WEIGHTS_FILE))'] : []), 'return model']),
    '',
    '',
    ...torchTrainingLines(t, a, file, m.maskedOutput),
    '',
  ];
  return { code: lines.join('\n'), unsupported: m.unsupported, ...(m.maskedOutput ? { maskedOutput: m.maskedOutput } : {}) };
}
