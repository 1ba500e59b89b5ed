/**
 * The model as Keras code in one of Keras' three styles: `keras.Sequential([...])` (only for a chain),
 * the functional API (any graph), and a `keras.Model` subclass (layers in `__init__`, the graph in `call`).
 * Each style returns the body of `build_model()`; every layer keeps its name, so weights load by name.
 */
import { withDefaults } from '../layers';
import { analyze } from '../analysis';
import { topologicalOrder } from '../graph';
import type { Json, LayerNode, ModelGraph } from '../types';
import { takesSeparateTensors, isKerasOperation } from '../layers/operations';
import { kerasLayerExpr, kerasOperationCall } from './kerasLayer';
import { indent, pyClassName, pyStr, pyValue, uniqueIdents } from './python';

export type KerasStyle = 'sequential' | 'functional' | 'subclass';

/** Why the graph cannot be written as `keras.Sequential`, or null when it can (one input, one chain, one output). */
export function notSequentialReason(g: ModelGraph): string | null {
  if (g.inputs.length !== 1) return `it has ${g.inputs.length} inputs`;
  if (g.outputs.length !== 1) return `it has ${g.outputs.length} outputs`;
  const consumers = new Map<string, number>();
  for (const l of g.layers) for (const i of l.inbound) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  for (const l of g.layers) {
    if (isKerasOperation(l.className)) return `"${l.name}" is a Keras operation (${l.className}), which only a functional model records`;
    if (l.className !== 'InputLayer' && l.inbound.length !== 1) return `layer "${l.name}" takes ${l.inbound.length} inputs`;
    if ((consumers.get(l.name) ?? 0) > 1) return `layer "${l.name}" feeds ${consumers.get(l.name)} layers`;
  }
  const { order } = topologicalOrder(g);
  if (order[order.length - 1] !== g.outputs[0]) return 'its output is not its last layer';
  return null;
}

/** `keras.Input(shape=(28, 28, 1), name="input_1")`, with batch_size, dtype and sparse when set. */
export function kerasInputExpr(l: LayerNode, withName = true): string {
  const c = withDefaults('InputLayer', l.config);
  const batchShape = (Array.isArray(c.batch_input_shape) ? c.batch_input_shape : [null]) as Json[];
  const args = [`shape=${pyValue(batchShape.slice(1))}`];
  if (typeof batchShape[0] === 'number') args.push(`batch_size=${batchShape[0]}`);
  const dtype = typeof c.dtype === 'string' ? c.dtype : 'float32';
  if (dtype !== 'float32') args.push(`dtype=${pyStr(dtype)}`);
  if (c.sparse === true) args.push('sparse=True');
  if (withName) args.push(`name=${pyStr(l.name)}`);
  return `keras.Input(${args.join(', ')})`;
}

const layerExpr = (l: LayerNode) => kerasLayerExpr(l.className, l.config, l.name);

function ordered(g: ModelGraph): LayerNode[] {
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  return topologicalOrder(g).order.map((n) => byName.get(n)!).filter(Boolean);
}

const listOrOne = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : `[${xs.join(', ')}]`);
/** A layer's call arguments: MultiHeadAttention (query, value, key) and operations of two tensors (x1, x2) take separate tensors, the others one list. */
const callArgs = (l: LayerNode, vars: Map<string, string>) =>
  l.className === 'MultiHeadAttention' || takesSeparateTensors(l.className) ? l.inbound.map((i) => vars.get(i)!).join(', ') : listOrOne(l.inbound.map((i) => vars.get(i)!));

export function sequentialBody(g: ModelGraph): string[] {
  const [input, ...rest] = ordered(g);
  return [
    'model = keras.Sequential(',
    '    [',
    ...indent([`${kerasInputExpr(input, false)},`, ...rest.map((l) => `${layerExpr(l)},`)], 2),
    '    ],',
    `    name=${pyStr(g.name)},`,
    ')',
    'return model',
  ];
}

export function functionalBody(g: ModelGraph): string[] {
  const layers = ordered(g);
  const vars = uniqueIdents(layers.map((l) => l.name), new Set(['keras', 'layers', 'np', 'model']));
  const lines: string[] = [];
  for (const l of layers) {
    const v = vars.get(l.name)!;
    if (l.className === 'InputLayer') lines.push(`${v} = ${kerasInputExpr(l)}`);
    else if (isKerasOperation(l.className)) lines.push(`${v} = ${kerasOperationCall(l.className, l.config, callArgs(l, vars))}`);
    else lines.push(`${v} = ${layerExpr(l)}(${callArgs(l, vars)})`);
  }
  const ins = listOrOne(g.inputs.map((i) => vars.get(i)!));
  const outs = listOrOne(g.outputs.map((o) => vars.get(o)!));
  lines.push(`model = keras.Model(inputs=${ins}, outputs=${outs}, name=${pyStr(g.name)})`, 'return model');
  return lines;
}

/** Attributes of keras.Model a layer attribute must not shadow. */
const MODEL_ATTRIBUTES = new Set([
  'layers', 'name', 'input', 'output', 'inputs', 'outputs', 'weights', 'trainable', 'dtype', 'optimizer', 'loss', 'metrics',
  'built', 'call', 'build', 'compile', 'fit', 'predict', 'evaluate', 'summary', 'variables', 'losses', 'training', 'self',
]);

/** The class definition of the subclassing style, and the body of `build_model()` that creates and builds it. */
export function subclassParts(g: ModelGraph): { className: string; classLines: string[]; body: string[] } {
  const layers = ordered(g);
  const inner = layers.filter((l) => l.className !== 'InputLayer');
  // Keras operations are called in `call` directly: they are not layers the model owns.
  const owned = inner.filter((l) => !isKerasOperation(l.className));
  const attrs = uniqueIdents(owned.map((l) => l.name), MODEL_ATTRIBUTES);
  const vars = uniqueIdents(layers.map((l) => l.name), new Set(['self', 'inputs', 'keras', 'layers', 'np']));
  const className = pyClassName(g.name);
  const inputs = layers.filter((l) => l.className === 'InputLayer');
  const ordering = g.inputs.map((n) => vars.get(n)!);
  const unpack = g.inputs.length === 1 ? [`${ordering[0]} = inputs`] : [`${ordering.join(', ')} = inputs`];
  const call = inner.map((l) => `${vars.get(l.name)} = ${isKerasOperation(l.className) ? kerasOperationCall(l.className, l.config, callArgs(l, vars)) : `self.${attrs.get(l.name)}(${callArgs(l, vars)})`}`);
  const classLines = [
    `class ${className}(keras.Model):`,
    ...indent([
      'def __init__(self, **kwargs):',
      ...indent([`super().__init__(name=${pyStr(g.name)}, **kwargs)`, ...owned.map((l) => `self.${attrs.get(l.name)} = ${layerExpr(l)}`)]),
      '',
      'def call(self, inputs):',
      ...indent([...unpack, ...call, `return ${listOrOne(g.outputs.map((o) => vars.get(o)!))}`]),
    ]),
  ];
  const byName = new Map(inputs.map((l) => [l.name, l]));
  const symbolic = g.inputs.map((n) => kerasInputExpr(byName.get(n)!));
  // A Normalization built inside the symbolic call keeps a traced mean under JAX: built eagerly first.
  const analysis = inner.some((l) => l.className === 'Normalization') ? analyze(g) : undefined;
  const eager = inner
    .filter((l) => l.className === 'Normalization')
    .map((l) => `model.${attrs.get(l.name)}.build(${pyValue((analysis!.layers.get(l.name)?.inputShapes[0] ?? null) as Json)})`);
  const body = [
    `model = ${className}()`,
    ...eager,
    '# Calling the model on symbolic inputs creates its weights (a subclassed model has no input shape of its own).',
    `model(${listOrOne(symbolic)})`,
    'return model',
  ];
  return { className, classLines, body };
}
