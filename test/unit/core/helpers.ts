/** Small builders for the core tests: one layer applied to shapes, and chains/graphs built with graph.ts. */
import { appendLayer, addLayer, emptyGraph } from '../../../src/core/graph';
import { getSpec, withDefaults } from '../../../src/core/layers';
import type { WeightSpec } from '../../../src/core/layers/spec';
import type { JsonObject, ModelGraph, Shape } from '../../../src/core/types';

export interface Applied {
  out: Shape;
  weights: WeightSpec[];
  params: number;
  trainable: number;
  nonTrainable: number;
  /** `name:shape` of each weight, for compact assertions. */
  w: string[];
}

/** Apply one layer class to input shapes through its spec (defaults filled in as the analyzer does). */
export function apply(className: string, config: JsonObject, ...inputs: Shape[]): Applied {
  const spec = getSpec(className);
  if (!spec) throw new Error(`no spec ${className}`);
  const c = withDefaults(className, config);
  const out = spec.outputShape(inputs, c);
  const weights = spec.weights(inputs, c);
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  const trainable = weights.filter((x) => x.trainable).reduce((a, x) => a + size(x.shape), 0);
  const nonTrainable = weights.filter((x) => !x.trainable).reduce((a, x) => a + size(x.shape), 0);
  return { out, weights, params: trainable + nonTrainable, trainable, nonTrainable, w: weights.map((x) => `${x.name}:${x.shape.join('x')}`) };
}

/** A Sequential-style chain: an InputLayer with `batch_input_shape`, then each layer appended. */
export function chain(batchShape: Shape, layers: [string, JsonObject?, string?][], name = 'sequential'): ModelGraph {
  let g = addLayer(emptyGraph(name), 'InputLayer', { name: 'input_1', config: { batch_input_shape: batchShape } }).graph;
  for (const [cls, config, lname] of layers) {
    g = appendLayer(g, cls, undefined, { config: config ?? {}, ...(lname ? { name: lname } : {}) }).graph;
  }
  return g;
}

/** A functional graph from a compact description: [name, class, config, inbound]. */
export function graph(spec: [string, string, JsonObject, string[]][], outputs: string[], name = 'model'): ModelGraph {
  const g: ModelGraph = { name, kind: 'Functional', layers: [], inputs: [], outputs };
  for (const [n, cls, config, inbound] of spec) {
    g.layers.push({ name: n, className: cls, config, inbound });
    if (cls === 'InputLayer') g.inputs.push(n);
  }
  return g;
}
