/**
 * Keras legacy HDF5 full models (`model.save('m.h5')`): root attributes `model_config`, `training_config`,
 * `keras_version`, `backend` (variable-length ASCII strings, as h5py stores the `bytes` Keras 2 assigns),
 * and the weights in a `model_weights` group in the legacy layout (see keras-weights-h5.ts).
 *
 * Reads what Keras 2 (standalone and tf.keras) and Keras 3's legacy writer produce; writes what tf.keras 2.x
 * writes (keras/saving/legacy/hdf5_format.py `save_model_to_hdf5`), minus `optimizer_weights`, which a model
 * without a live optimizer does not have. A `.h5` holding only weights (`save_weights`) is read together with
 * the architecture JSON next to it.
 */
import { isKerasOperation } from '../core/layers/operations';
import { OPTIMIZER_FLOAT_PARAMS } from '../core/training';
import { UserError, type Json, type JsonObject, type ModelFile } from '../core/types';
import { encodeUtf8, isJsonObject, parseJsonFile, type FormatCodec, type ReadContext } from './format';
import { attr, attrString, getGroup, group, readHdf5, writeHdf5 } from './hdf5';
import { graphFromKerasConfig } from './keras-config-read';
import { kerasConfigFromGraph, WRITTEN_BACKEND, WRITTEN_KERAS_VERSION } from './keras-config-write';
import { keras3ModelConfig } from './keras3-config';
import { pythonJson } from './keras-common';
import { kerasLegacyTrainingConfig } from './keras-compile';
import { readLegacyWeights, readWeightsWithSiblingJson, weightsLayout, writeLegacyWeights } from './keras-weights-h5';

/** The same JSON checks as any JSON file (depth, size, a line and column for a syntax error). */
function parseAttrJson(text: string, what: string, label: string): Json {
  return parseJsonFile(encodeUtf8(text), `${label}: the ${what} attribute`);
}

async function readKerasH5(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
  const label = ctx.fileName;
  const root = await readHdf5(main, label);
  const modelConfigText = attrString(root.attrs.get('model_config'));
  if (modelConfigText === undefined) {
    // `save_weights` output: the architecture lives in a separate JSON file.
    if (weightsLayout(root)) return readWeightsWithSiblingJson(main, ctx, root);
    throw new UserError(`${label} is an HDF5 file but not a Keras model (no "model_config" attribute)`, 'expected a file written by Keras model.save("m.h5")', 'h5-not-keras');
  }
  const modelConfig = parseAttrJson(modelConfigText, 'model_config', label);
  const graph = graphFromKerasConfig(modelConfig);
  const trainingText = attrString(root.attrs.get('training_config'));
  const training = trainingText !== undefined ? parseAttrJson(trainingText, 'training_config', label) : null;
  const weightsGroup = getGroup(root, 'model_weights');
  const notes: string[] = [];
  const weights = weightsGroup ? readLegacyWeights(weightsGroup, graph, label, notes) : [];
  const file: ModelFile = {
    graph,
    weights,
    ...(notes.length ? { notes } : {}),
    trainingConfig: isJsonObject(training) ? training : null,
    producer: {
      format: 'keras-h5',
      kerasVersion: attrString(root.attrs.get('keras_version')),
      backend: attrString(root.attrs.get('backend')),
    },
  };
  return file;
}

/**
 * The `model_config` attribute: tf.keras 2.x's config, or Keras 3's where a layer is called on separate
 * tensors (MultiHeadAttention's query, value, key), which the 2.x nested-list nodes cannot express so that
 * Keras 3 loads them (keras/src/models/functional.py `deserialize_node` calls a legacy node on one list), or
 * that holds Keras operations (Keras finds them by their module, which only Keras 3's entries carry).
 */
function legacyModelConfig(model: ModelFile): JsonObject {
  if (!model.graph.layers.some((l) => l.className === 'MultiHeadAttention' || isKerasOperation(l.className))) return kerasConfigFromGraph(model.graph);
  const k3 = keras3ModelConfig(model.graph);
  return { class_name: k3.class_name as string, config: k3.config as JsonObject };
}

/** The bytes of `model.save('m.h5')` for this model, tf.keras 2.x layout. */
export async function writeKerasH5(model: ModelFile): Promise<Uint8Array> {
  const root = group({
    backend: attr.vlenString(WRITTEN_BACKEND),
    keras_version: attr.vlenString(WRITTEN_KERAS_VERSION),
    model_config: attr.vlenString(pythonJson(legacyModelConfig(model))),
  });
  const training = kerasLegacyTrainingConfig(model);
  if (training) root.attrs.set('training_config', attr.vlenString(pythonJson(training, OPTIMIZER_FLOAT_PARAMS)));
  const mw = group();
  root.children.set('model_weights', mw);
  writeLegacyWeights(mw, model);
  return writeHdf5(root);
}

export const kerasH5Codec: FormatCodec = {
  read: readKerasH5,
  async write(model, baseName) {
    return [{ relPath: `${baseName}.h5`, bytes: await writeKerasH5(model) }];
  },
};
