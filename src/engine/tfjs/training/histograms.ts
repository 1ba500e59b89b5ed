/**
 * Per-epoch weight and activation histograms for every layer (TensorBoard's distributions): the classic
 * "how initialisation and activation shape the distributions" experiment. Activations are taken on a fixed
 * sample of the data (the first `samples` rows, default 256) so epochs are comparable.
 */
import type { HistogramItem } from '../../../core/training';
import type { DataSource } from '../../datasets/source';
import { predictModel } from '../model';
import type { LayersModel, Tensor, Tf } from '../tf';
import type { DataAdapter } from './adapter';

export function binValues(values: ArrayLike<number>, bins: number): { min: number; max: number; counts: number[] } {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const counts = new Array<number>(bins).fill(0);
  if (min === Infinity) return { min: 0, max: 0, counts };
  const width = (max - min) / bins || 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    counts[Math.min(bins - 1, Math.floor((v - min) / width))] += 1;
  }
  return { min, max, counts };
}

const cache = new WeakMap<LayersModel, { model: LayersModel; layers: string[] } | null>();

/** A model with every layer's output as an output (built once per trained model). */
function activationModel(tf: Tf, model: LayersModel): { model: LayersModel; layers: string[] } | null {
  if (cache.has(model)) return cache.get(model) ?? null;
  const layers = model.layers.filter((l) => l.getClassName() !== 'InputLayer');
  const outputs: import('@tensorflow/tfjs').SymbolicTensor[] = [];
  const names: string[] = [];
  for (const l of layers) {
    try {
      const out = l.output;
      if (Array.isArray(out)) continue;
      outputs.push(out);
      names.push(l.name);
    } catch {
      // A layer used more than once has no single output; it gets no activation histogram.
    }
  }
  const built = outputs.length ? { model: tf.model({ inputs: model.inputs, outputs }), layers: names } : null;
  cache.set(model, built);
  return built;
}

export async function histogramsFor(
  tf: Tf,
  model: LayersModel,
  source: DataSource,
  adapter: DataAdapter,
  epoch: number,
  args: Record<string, unknown>,
): Promise<HistogramItem[]> {
  const bins = typeof args.bins === 'number' ? args.bins : 30;
  const samples = Math.min(source.size, typeof args.samples === 'number' ? args.samples : 256);
  const items: HistogramItem[] = [];
  // Weights: every weight of the layer except biases (their few values would swamp nothing but say little).
  for (const layer of model.layers) {
    const ws = layer.weights.filter((w) => !/bias$/.test(w.originalName ?? w.name));
    if (ws.length === 0) continue;
    const parts = await Promise.all(ws.map((w) => w.read().data()));
    const all = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let off = 0;
    for (const p of parts) {
      all.set(p as Float32Array, off);
      off += p.length;
    }
    items.push({ epoch, layer: layer.name, kind: 'weights', ...binValues(all, bins) });
  }
  const act = activationModel(tf, model);
  if (act && samples > 0) {
    const batch = await source.read([...Array(samples).keys()]);
    const { xs, ys } = adapter.toTensors(tf, batch);
    tf.dispose(ys);
    const outs = predictModel(act.model, xs);
    tf.dispose(xs);
    const list = Array.isArray(outs) ? outs : [outs];
    const values = await Promise.all(list.map((t) => t.data()));
    tf.dispose(list);
    values.forEach((v, i) => items.push({ epoch, layer: act.layers[i], kind: 'activations', ...binValues(v as Float32Array, bins) }));
  }
  return items;
}
