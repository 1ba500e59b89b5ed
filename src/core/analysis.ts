/**
 * Shape inference and diagnostics for a model graph. `analyze` never throws: every problem (unknown class,
 * cycle, dangling layer, wrong input count, invalid config, shape mismatch) becomes a Diagnostic with the
 * layer's name, a plain message and a hint. The editor runs it after every edit, so it is a single pass
 * over the topological order with no repeated scans of the layer list.
 */
import { topologicalOrder } from './graph';
import { getSpec, withDefaults } from './layers';
import { formatShape } from './layers/shapeMath';
import { ShapeError, type LayerSpec, type WeightSpec } from './layers/spec';
import { TFJS_DEPARTURE_CODE, TFJS_DEPARTURE_HINT, tfjsDepartures, type KerasDialect } from './layers/tfjsSupport';
import type { Diagnostic, JsonObject, LayerNode, ModelGraph, Shape } from './types';
import { validateFilledConfig } from './validate';

export interface LayerInfo {
  name: string;
  className: string;
  inputShapes: Shape[];
  /** null when it cannot be computed (unknown class, invalid config, a problem upstream). */
  outputShape: Shape | null;
  weights: WeightSpec[];
  trainableParams: number;
  nonTrainableParams: number;
}

export interface Analysis {
  /** Topological order (insertion order where free); layers on cycles come last. */
  order: string[];
  layers: Map<string, LayerInfo>;
  diagnostics: Diagnostic[];
  totals: { total: number; trainable: number; nonTrainable: number };
}

const count = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** `dialect`: which Keras the model's names mean (see tfjsSupport); our own models mean Keras 3. */
export function analyze(g: ModelGraph, dialect: KerasDialect = {}): Analysis {
  const diagnostics: Diagnostic[] = [];
  const layers = new Map<string, LayerInfo>();
  const byName = new Map<string, LayerNode>();
  const diag = (d: Diagnostic) => diagnostics.push(d);

  for (const l of g.layers) {
    if (byName.has(l.name)) {
      diag({ severity: 'error', code: 'duplicate-name', layer: l.name, message: `Two layers are named "${l.name}"`, hint: 'rename one of them' });
    } else byName.set(l.name, l);
  }

  let order: string[];
  let cyclic: string[];
  try {
    ({ order, cyclic } = topologicalOrder(g));
  } catch {
    order = g.layers.map((l) => l.name);
    cyclic = [];
  }
  for (const name of onCycles(cyclic, byName)) {
    diag({
      severity: 'error',
      code: 'cycle',
      layer: name,
      message: `${name} is on a cycle: its output feeds back into its own input`,
      hint: 'remove one of the connections that loops back',
    });
  }

  let total = 0;
  let trainable = 0;
  const onCycle = new Set(cyclic);
  for (const name of [...order, ...cyclic]) {
    const node = byName.get(name);
    if (!node) continue;
    let info: LayerInfo;
    try {
      info = analyzeLayer(node, byName, layers, onCycle.has(name), diag, dialect);
    } catch (e) {
      // Only a malformed node (say, no `inbound` list from a damaged file) gets here: report, carry on.
      diag({ severity: 'error', code: 'malformed-layer', layer: name, message: `${name}: cannot be analyzed (${e instanceof Error ? e.message : String(e)})`, hint: 'remove and re-add the layer' });
      info = { name, className: String(node.className), inputShapes: [], outputShape: null, weights: [], trainableParams: 0, nonTrainableParams: 0 };
    }
    layers.set(name, info);
    trainable += info.trainableParams;
    total += info.trainableParams + info.nonTrainableParams;
  }

  try {
    checkModelEnds(g, byName, diag);
  } catch (e) {
    diag({ severity: 'error', code: 'malformed-model', message: `The model's inputs/outputs cannot be checked (${e instanceof Error ? e.message : String(e)})`, hint: 'the file may be damaged' });
  }

  return { order: [...order, ...cyclic], layers, diagnostics, totals: { total, trainable, nonTrainable: total - trainable } };
}

/**
 * The layers Kahn's algorithm could not order are on a cycle or downstream of one; only the former are
 * reported as cycles (a layer is on one when it can reach itself).
 */
function onCycles(unordered: string[], byName: Map<string, LayerNode>): string[] {
  const rest = new Set(unordered);
  const next = new Map<string, string[]>();
  for (const n of unordered) {
    for (const s of byName.get(n)?.inbound ?? []) {
      if (!rest.has(s)) continue;
      const list = next.get(s);
      if (list) list.push(n);
      else next.set(s, [n]);
    }
  }
  return unordered.filter((start) => {
    const seen = new Set<string>();
    const stack = [...(next.get(start) ?? [])];
    while (stack.length) {
      const n = stack.pop() as string;
      if (n === start) return true;
      if (seen.has(n)) continue;
      seen.add(n);
      stack.push(...(next.get(n) ?? []));
    }
    return false;
  });
}

function analyzeLayer(
  node: LayerNode,
  byName: Map<string, LayerNode>,
  done: Map<string, LayerInfo>,
  onCycle: boolean,
  diag: (d: Diagnostic) => void,
  dialect: KerasDialect,
): LayerInfo {
  const info: LayerInfo = {
    name: node.name,
    className: node.className,
    inputShapes: [],
    outputShape: null,
    weights: [],
    trainableParams: 0,
    nonTrainableParams: 0,
  };
  const at = `${node.name} (${node.className})`;
  const spec = getSpec(node.className);
  if (!spec) {
    diag({
      severity: 'error',
      code: 'unknown-layer',
      layer: node.name,
      message: `${node.name}: unknown layer class "${node.className}"`,
      hint: 'replace it with a layer from the catalog; custom layers and Lambda are not supported',
    });
    return info;
  }

  const countOk = checkInbound(node, spec, byName, at, diag);

  const config: JsonObject = withDefaults(node.className, node.config);
  const invalid = validateFilledConfig(spec, config);
  for (const d of invalid) diag({ ...d, layer: node.name, message: `${at}: ${d.message}` });

  // Shapes from upstream; a missing one means a problem already reported there.
  const inputShapes: Shape[] = [];
  let inputsKnown = !onCycle && countOk;
  for (const src of node.inbound) {
    const s = done.get(src)?.outputShape;
    if (s) inputShapes.push(s);
    else inputsKnown = false;
  }
  info.inputShapes = inputShapes;
  if (!inputsKnown || invalid.some((d) => d.severity === 'error')) return info;

  try {
    const out = spec.outputShape(inputShapes, config);
    const bad = out.findIndex((d) => d !== null && (!Number.isInteger(d) || d <= 0));
    if (bad >= 0) {
      diag({
        severity: 'error',
        code: 'shape',
        layer: node.name,
        message: `${at}: output shape ${formatShape(out)} has a size of ${out[bad]} on axis ${bad}`,
        hint: 'the input is too small for this layer; check the sizes and strides before it',
      });
    } else info.outputShape = out;
  } catch (e) {
    diag(shapeDiagnostic(node.name, at, e));
    return info;
  }

  try {
    info.weights = spec.weights(inputShapes, config);
  } catch (e) {
    diag(shapeDiagnostic(node.name, at, e));
    return info;
  }
  for (const d of tfjsDepartures(node.className, config, inputShapes, dialect)) {
    diag({ severity: 'warning', code: TFJS_DEPARTURE_CODE, layer: node.name, field: d.field, message: `${at}: ${d.message}`, hint: TFJS_DEPARTURE_HINT });
  }
  // Keras: a frozen layer (trainable=false) has only non-trainable weights.
  const frozen = config.trainable === false;
  for (const w of info.weights) {
    if (w.trainable && !frozen) info.trainableParams += count(w.shape);
    else info.nonTrainableParams += count(w.shape);
  }
  return info;
}

/** Inbound connections exist and their number fits the layer; false when the count is wrong. */
function checkInbound(node: LayerNode, spec: LayerSpec, byName: Map<string, LayerNode>, at: string, diag: (d: Diagnostic) => void): boolean {
  for (const src of node.inbound) {
    if (!byName.has(src)) {
      diag({ severity: 'error', code: 'missing-inbound', layer: node.name, message: `${at}: its input "${src}" does not exist`, hint: 'reconnect it to an existing layer' });
    }
  }
  const n = node.inbound.length;
  if (spec.className === 'InputLayer') {
    if (n > 0) {
      diag({ severity: 'error', code: 'input-has-inbound', layer: node.name, message: `${at}: an input layer takes no inputs`, hint: 'remove the connections into it' });
      return false;
    }
  } else if (n === 0) {
    diag({ severity: 'error', code: 'no-inputs', layer: node.name, message: `${at} has no inputs`, hint: 'connect a layer (or an Input) to it' });
    return false;
  } else if (n < spec.inputs.min || n > spec.inputs.max) {
    const want = spec.inputs.min === spec.inputs.max ? `${spec.inputs.min}` : spec.inputs.max >= 64 ? `at least ${spec.inputs.min}` : `${spec.inputs.min} to ${spec.inputs.max}`;
    diag({
      severity: 'error',
      code: 'input-count',
      layer: node.name,
      message: `${at} takes ${want} input${want === '1' ? '' : 's'} but has ${n}`,
      hint: spec.inputs.max === 1 ? 'merge the inputs first with Concatenate or Add' : 'connect more layers to it',
    });
    return false;
  }

  return true;
}

function shapeDiagnostic(layer: string, at: string, e: unknown): Diagnostic {
  if (e instanceof ShapeError) {
    return { severity: 'error', code: 'shape', layer, field: e.field, message: `${at}: ${e.message}`, hint: e.hint };
  }
  // A config the validator let through but the shape rule could not read; report it rather than throw.
  return {
    severity: 'error',
    code: 'shape',
    layer,
    message: `${at}: cannot compute the output shape (${e instanceof Error ? e.message : String(e)})`,
    hint: "check the layer's settings",
  };
}

/** Model inputs/outputs, dangling layers and layers the model inputs cannot reach. */
function checkModelEnds(g: ModelGraph, byName: Map<string, LayerNode>, diag: (d: Diagnostic) => void): void {
  if (g.layers.length === 0) return;
  if (g.inputs.length === 0) {
    diag({ severity: 'error', code: 'no-model-inputs', message: 'The model has no inputs', hint: 'add an Input layer and connect it to the first layer' });
  }
  if (g.outputs.length === 0) {
    diag({ severity: 'error', code: 'no-model-outputs', message: 'The model has no outputs', hint: 'mark the last layer as a model output' });
  }
  for (const i of g.inputs) {
    const l = byName.get(i);
    if (!l) diag({ severity: 'error', code: 'missing-model-input', layer: i, message: `Model input "${i}" does not exist`, hint: 'remove it from the model inputs' });
    else if (l.className !== 'InputLayer') {
      diag({ severity: 'error', code: 'bad-model-input', layer: i, message: `Model input "${i}" is a ${l.className}, not an Input layer`, hint: 'model inputs must be Input layers' });
    }
  }
  for (const o of g.outputs) {
    if (!byName.has(o)) diag({ severity: 'error', code: 'missing-model-output', layer: o, message: `Model output "${o}" does not exist`, hint: 'remove it from the model outputs' });
  }

  // Backwards from the outputs: what the model uses.
  const used = new Set<string>();
  const stack = g.outputs.filter((o) => byName.has(o));
  while (stack.length) {
    const n = stack.pop() as string;
    if (used.has(n)) continue;
    used.add(n);
    for (const s of byName.get(n)?.inbound ?? []) if (byName.has(s) && !used.has(s)) stack.push(s);
  }
  // Forwards from the model inputs: what the model can compute.
  const consumersOf = new Map<string, string[]>();
  for (const l of byName.values()) {
    for (const s of l.inbound) {
      const list = consumersOf.get(s);
      if (list) list.push(l.name);
      else consumersOf.set(s, [l.name]);
    }
  }
  const reached = new Set<string>();
  const fwd = g.inputs.filter((i) => byName.has(i));
  while (fwd.length) {
    const n = fwd.pop() as string;
    if (reached.has(n)) continue;
    reached.add(n);
    for (const c of consumersOf.get(n) ?? []) if (!reached.has(c)) fwd.push(c);
  }

  const inputSet = new Set(g.inputs);
  for (const l of byName.values()) {
    if (g.outputs.length > 0 && !used.has(l.name)) {
      diag({
        severity: 'warning',
        code: 'dangling',
        layer: l.name,
        message: `${l.name} (${l.className}) does not lead to any model output`,
        hint: 'connect it towards an output or mark it as an output; otherwise it is left out of the model',
      });
    } else if (used.has(l.name) && l.className === 'InputLayer' && !inputSet.has(l.name)) {
      diag({
        severity: 'error',
        code: 'unlisted-input',
        layer: l.name,
        message: `${l.name} feeds the outputs but is not a model input`,
        hint: 'add it to the model inputs',
      });
    } else if (used.has(l.name) && g.inputs.length > 0 && !reached.has(l.name) && l.className !== 'InputLayer' && l.inbound.length > 0) {
      // Keras' "Graph disconnected": the layer's value cannot be computed from the model inputs.
      diag({
        severity: 'error',
        code: 'disconnected',
        layer: l.name,
        message: `${l.name} (${l.className}) cannot be computed from the model inputs`,
        hint: 'connect it to a path that starts at a model input',
      });
    }
  }
}

/**
 * Every weight the graph implies, named `<layer>/<weight>` in Keras order (layers in topological order,
 * each layer's own order). Layers whose shapes cannot be computed contribute nothing.
 */
export function expectedWeights(g: ModelGraph, a: Analysis = analyze(g)): { name: string; shape: number[]; trainable: boolean }[] {
  const out: { name: string; shape: number[]; trainable: boolean }[] = [];
  const frozenLayers = new Set(g.layers.filter((l) => l.config.trainable === false).map((l) => l.name));
  for (const name of a.order) {
    const info = a.layers.get(name);
    if (!info) continue;
    const frozen = frozenLayers.has(name);
    for (const w of info.weights) out.push({ name: `${name}/${w.name}`, shape: [...w.shape], trainable: w.trainable && !frozen });
  }
  return out;
}
