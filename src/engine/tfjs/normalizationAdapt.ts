/**
 * Before a tfjs training run: each Normalization layer that was never adapted (no mean/variance in the
 * config, and its weights absent from the file or still the initial zeros and ones) is adapted on the
 * training rows, as `layer.adapt(x_train)` does before `fit` in Keras. The computation is core's
 * (core/layers/normalizationAdapt.ts); here the rows are read and the result assigned. Only a layer fed by the
 * model's input can be adapted on the rows; another is left as it is, with a log line saying why.
 */
import { withDefaults } from '../../core/layers';
import { adaptNormalization } from '../../core/layers/normalizationAdapt';
import type { LayerNode, ModelFile } from '../../core/types';
import type { DataSource } from '../datasets/source';
import type { LayersModel, Tf } from './tf';

/** Rows read per request while gathering the training inputs. */
const CHUNK = 4096;

function isUnadapted(file: ModelFile, l: LayerNode): boolean {
  if (l.className !== 'Normalization' || (l.config.mean !== null && l.config.mean !== undefined)) return false;
  const mean = file.weights.find((w) => w.name === `${l.name}/mean`);
  const variance = file.weights.find((w) => w.name === `${l.name}/variance`);
  return !mean || !variance || (mean.data.every((v) => v === 0) && variance.data.every((v) => v === 1));
}

async function allRows(train: DataSource): Promise<Float32Array> {
  const width = train.xShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(train.size * width);
  for (let start = 0; start < train.size; start += CHUNK) {
    const indices = Array.from({ length: Math.min(CHUNK, train.size - start) }, (_, i) => start + i);
    out.set((await train.read(indices)).x, start * width);
  }
  return out;
}

/** Adapts the un-adapted Normalization layers of `model` on `train`'s inputs; returns the adapted names. */
export async function adaptNormalizations(tf: Tf, model: LayersModel, file: ModelFile, train: DataSource, log: (line: string) => void): Promise<string[]> {
  const pending = file.graph.layers.filter((l) => isUnadapted(file, l));
  if (pending.length === 0) return [];
  const adapted: string[] = [];
  let rows: Float32Array | undefined;
  for (const l of pending) {
    if (file.graph.inputs.length !== 1 || l.inbound.length !== 1 || l.inbound[0] !== file.graph.inputs[0]) {
      log(`Normalization '${l.name}' is not adapted: only a Normalization fed by the model's input is adapted on the training rows (set its mean and variance instead).`);
      continue;
    }
    rows ??= await allRows(train);
    const { mean, variance } = adaptNormalization(rows, [train.size, ...train.xShape], withDefaults('Normalization', l.config).axis ?? null);
    const layer = model.getLayer(l.name);
    const [, , count] = layer.getWeights();
    const values = [tf.tensor(mean, layer.weights[0]!.shape as number[]), tf.tensor(variance, layer.weights[1]!.shape as number[])];
    try {
      layer.setWeights([...values, count!]);
    } finally {
      tf.dispose(values);
    }
    adapted.push(l.name);
    log(`Normalization '${l.name}' adapted on the ${train.size} training rows (as layer.adapt(x) in Keras).`);
  }
  return adapted;
}
