/**
 * Keras 3 `.keras` archives (keras/src/saving/saving_lib.py `save_model` / `load_model`): a zip holding
 * `metadata.json` (`keras_version`, `date_saved`), `config.json` (the Keras 3 serialized model) and
 * `model.weights.h5` (Keras 3 weights layout, see keras-weights-h5.ts). Keras writes the entries uncompressed
 * (ZIP_STORED) in that order; so do we.
 *
 * Nothing in an archive is executed: subclassed models, custom layers and Lambda layers are refused by
 * graphFromKerasConfig, naming the class. Entry names are checked before anything is extracted: an archive
 * whose names would escape a folder (`../`, absolute paths) is refused as a whole.
 */
import { zipSync } from 'fflate';
import { UserError, type ModelFile } from '../core/types';
import { decodeUtf8, encodeUtf8, isJsonObject, parseJsonFile, type FormatCodec, type ReadContext } from './format';
import { readHdf5, writeHdf5 } from './hdf5';
import { graphFromKerasConfig } from './keras-config-read';
import { pythonJson } from './keras-common';
import { OPTIMIZER_FLOAT_PARAMS } from '../core/training';
import { keras3WeightsTree, readKeras3Weights } from './keras-weights-h5';
import { keras3ModelConfig } from './keras3-config';
import { kerasCompileConfig } from './keras-compile';
import { isZip } from './magic';
import { unzipChecked, zipEntries } from './zip';

/** The Keras version whose `.keras` layout we write (3.1-3.x share it). */
const WRITTEN_KERAS3_VERSION = '3.1.1';

/** The entries we read: the directory is checked as a whole first (zip.ts), then only these are inflated. */
function unzipKeras(bytes: Uint8Array, label: string): Map<string, Uint8Array> {
  if (!isZip(bytes)) {
    throw new UserError(`${label} is not a .keras archive (not a zip file)`, 'a .keras file is the zip archive Keras 3 model.save("m.keras") writes', 'keras-not-zip');
  }
  const all = zipEntries(bytes, label).map((e) => e.name);
  const entries = unzipChecked(bytes, label, (n) => n === 'config.json' || n === 'metadata.json' || n === 'model.weights.h5');
  if (!entries.has('model.weights.h5')) {
    const other = all.find((n) => n.startsWith('model.weights.'));
    if (other) {
      throw new UserError(`${label} stores its weights as ${other}, which Model Studio does not read`, 'save the model again with the default weights format (model.weights.h5)', 'keras-npz');
    }
  }
  return entries;
}

async function readKerasZip(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
  const label = ctx.fileName;
  const entries = unzipKeras(main, label);
  const configBytes = entries.get('config.json');
  if (!configBytes) throw new UserError(`${label} has no config.json`, 'expected an archive written by Keras 3 model.save("m.keras")', 'keras-no-config');
  const config = parseJsonFile(configBytes, `${label}/config.json`);
  const graph = graphFromKerasConfig(config);
  let kerasVersion: string | undefined;
  const meta = entries.get('metadata.json');
  if (meta) {
    try {
      const m = JSON.parse(decodeUtf8(meta)) as unknown;
      if (isJsonObject(m) && typeof m.keras_version === 'string') kerasVersion = m.keras_version;
    } catch {
      // metadata is informational only
    }
  }
  const weightsBytes = entries.get('model.weights.h5');
  let weights: ModelFile['weights'] = [];
  if (weightsBytes) {
    // The optimizer's state (Adam: twice the weights) is never read back: left out of the parse.
    const root = await readHdf5(weightsBytes, `${label}/model.weights.h5`, ['optimizer']);
    weights = readKeras3Weights(root, graph, `${label}/model.weights.h5`);
  }
  const compile = isJsonObject(config) && isJsonObject(config.compile_config) ? config.compile_config : null;
  return { graph, weights, trainingConfig: compile, producer: { format: 'keras-zip', kerasVersion, backend: 'tensorflow' } };
}

function kerasDate(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}@${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** The bytes of `model.save('m.keras')` for this model. */
export async function writeKerasZip(model: ModelFile, now = new Date()): Promise<Uint8Array> {
  const weights = await writeHdf5(keras3WeightsTree(model));
  const metadata = pythonJson({ keras_version: WRITTEN_KERAS3_VERSION, date_saved: kerasDate(now) });
  const compile = kerasCompileConfig(model);
  // With compile_config, keras.saving.load_model returns the model compiled with our optimizer, loss, metrics.
  // JSON has one number type; Keras' optimizer constructors insist on floats (SGD(learning_rate=1) fails).
  const config = pythonJson({ ...keras3ModelConfig(model.graph), ...(compile ? { compile_config: compile } : {}) }, OPTIMIZER_FLOAT_PARAMS);
  // zipfile's ZipFile.open('w') stamps 1980-01-01; level 0 = ZIP_STORED, as Keras writes.
  const mtime = new Date(1980, 0, 1, 0, 0, 0);
  return zipSync(
    {
      'metadata.json': [encodeUtf8(metadata), { level: 0, mtime }],
      'config.json': [encodeUtf8(config), { level: 0, mtime }],
      'model.weights.h5': [weights, { level: 0, mtime }],
    },
    { level: 0 },
  );
}

export const kerasZipCodec: FormatCodec = {
  read: readKerasZip,
  async write(model, baseName) {
    return [{ relPath: `${baseName}.keras`, bytes: await writeKerasZip(model) }];
  },
};
