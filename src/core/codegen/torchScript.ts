/**
 * The model as a PyTorch script: an `nn.Module` whose forward pass follows the graph with Keras' semantics
 * (./torchLayers.ts), our weights read from the TF.js model.json Model Studio writes (names as Keras gives
 * them, `dense/kernel`) and copied in with the right transposes, and a training loop with the same optimizer,
 * loss and batch size. Layers with no faithful PyTorch equivalent are named in a comment and raise in forward.
 */
import type { Analysis } from '../analysis';
import { topologicalOrder } from '../graph';
import type { TrainingConfig } from '../training/config';
import type { ModelFile } from '../types';
import { indent, pyClassName, pyStr, uniqueIdents } from './python';
import { torchLayer, type TorchLayer } from './torchLayers';
import { torchTrainingLines } from './torchTraining';

export interface TorchModule {
  lines: string[];
  className: string;
  /** `layer (Class): why` for each layer without a faithful equivalent. */
  unsupported: string[];
}

const HELPERS = [
  'def same_pads(sizes, kernel, strides, dilation):',
  '    """TensorFlow\'s \'same\' padding for F.pad (last axis first): the odd pixel goes at the end."""',
  '    pads = []',
  '    for size, k, s, d in reversed(list(zip(sizes, kernel, strides, dilation))):',
  '        total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)',
  '        pads += [total // 2, total - total // 2]',
  '    return pads',
  '',
  '',
  'def conv_channels_last(conv, x, padding):',
  '    """A channels-last tensor through a torch convolution, padded as Keras pads (valid, same, causal)."""',
  '    x = x.movedim(-1, 1)',
  '    if padding == "same":',
  '        x = F.pad(x, same_pads(x.shape[2:], conv.kernel_size, conv.stride, conv.dilation))',
  '    elif padding == "causal":',
  '        x = F.pad(x, ((conv.kernel_size[0] - 1) * conv.dilation[0], 0))',
  '    return conv(x).movedim(1, -1)',
  '',
  '',
  'def pool_channels_last(x, kind, size, strides, padding):',
  '    """Keras pooling on a channels-last tensor; \'same\' average pooling divides by the pixels inside, as Keras does."""',
  '    x = x.movedim(-1, 1)',
  '    n = len(size)',
  '    pool = {"max": [F.max_pool1d, F.max_pool2d, F.max_pool3d], "avg": [F.avg_pool1d, F.avg_pool2d, F.avg_pool3d]}[kind][n - 1]',
  '    if padding == "same":',
  '        pads = same_pads(x.shape[2:], size, strides, (1,) * n)',
  '        if kind == "max":',
  '            y = pool(F.pad(x, pads, value=-float("inf")), size, strides)',
  '        else:',
  '            y = pool(F.pad(x, pads), size, strides) / pool(F.pad(torch.ones_like(x[:, :1]), pads), size, strides)',
  '    else:',
  '        y = pool(x, size, strides)',
  '    return y.movedim(1, -1)',
  '',
  '',
  'def keras_relu(x, max_value, negative_slope, threshold):',
  '    """keras.layers.ReLU: x above the threshold, negative_slope * (x - threshold) below, capped at max_value."""',
  '    y = torch.where(x >= threshold, x, negative_slope * (x - threshold))',
  '    return y if max_value is None else torch.clamp(y, max=max_value)',
  '',
  '',
  'def gru_order(units):',
  '    """Keras\' GRU gate blocks are (z, r, h); torch\'s are (r, z, n)."""',
  '    return np.r_[units : 2 * units, 0:units, 2 * units : 3 * units]',
  '',
  '',
  'def read_weights(path):',
  '    """Our weights by name (`dense/kernel`), from the TF.js model.json Model Studio writes."""',
  '    with open(path) as f:',
  '        manifest = json.load(f)["weightsManifest"]',
  '    weights = {}',
  '    for group in manifest:',
  '        data = b"".join(open(os.path.join(os.path.dirname(path), p), "rb").read() for p in group["paths"])',
  '        offset = 0',
  '        for w in group["weights"]:',
  '            count = int(np.prod(w["shape"]))',
  '            dtype = np.int32 if w["dtype"] == "int32" else np.float32',
  '            weights[w["name"]] = np.frombuffer(data, dtype=dtype, count=count, offset=offset).reshape(w["shape"]).copy()',
  '            offset += 4 * count',
  '    return weights',
];

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
  for (const l of inner) {
    const info = a.layers.get(l.name)!;
    const t = torchLayer(info, l.config);
    const attr = `self.${attrs.get(l.name)}`;
    const ins = l.inbound.map((i) => vars.get(i)!);
    if ('unsupported' in t) {
      const why = `${l.name} (${l.className}): no faithful PyTorch equivalent: ${t.unsupported}`;
      unsupported.push(why);
      init.push(`# ${why}`);
      forward.push(`raise NotImplementedError(${pyStr(why)})`);
      continue;
    }
    const layer: TorchLayer = t;
    if (layer.init) init.push(`${attr} = ${layer.init}`);
    forward.push(`${vars.get(l.name)} = ${layer.call(ins, attr)}`);
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
  return { lines, className, unsupported };
}

/** The whole PyTorch script. */
export function torchScript(file: ModelFile, a: Analysis, t: TrainingConfig, weightsPath: string | undefined, header: string[]): { code: string; unsupported: string[] } {
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
    ...HELPERS,
    '',
    '',
    ...m.lines,
    '',
    '',
    'def build_model():',
    ...indent([`model = ${m.className}()`, ...(weightsPath ? ['model.load_keras_weights(read_weights(WEIGHTS_FILE))'] : []), 'return model']),
    '',
    '',
    ...torchTrainingLines(t, a, file),
    '',
  ];
  return { code: lines.join('\n'), unsupported: m.unsupported };
}
