/**
 * The Keras architecture JSON format (`model.to_json()`): a model config without weights. Reading is
 * keras-config-read.ts, writing keras-config-write.ts. Weights saved beside it (`save_weights`) are paired
 * when the JSON is opened: `<name>.weights.h5`, `<name>.h5`, `<name>_weights.h5` (name = the JSON's name
 * without `.json`, and also without a `_model` / `.model` / `_config` / `_architecture` suffix).
 */
import { UserError, isUserError, type ModelFile, type ModelGraph } from '../core/types';
import { encodeUtf8, isJsonObject, parseJsonFile, type FormatCodec, type ReadContext } from './format';
import { graphFromKerasConfig, unwrapModelTopology } from './keras-config-read';
import { kerasModelJson } from './keras-config-write';

/** The weights files that may sit beside an architecture JSON, most specific first. */
export function pairedWeightsCandidates(jsonName: string): string[] {
  const full = jsonName.replace(/\.json$/i, '');
  const base = full.replace(/(_model|\.model|_config|_architecture)$/i, '');
  const names = [full, base].flatMap((b) => [`${b}.weights.h5`, `${b}.h5`, `${b}_weights.h5`, `${b}.hdf5`]);
  return [...new Set(names)];
}

/** The weights beside the JSON, if any: read with the JSON's graph (a file that does not fit is an error). */
async function siblingWeights(graph: ModelGraph, ctx: ReadContext): Promise<Pick<ModelFile, 'weights' | 'notes'>> {
  for (const name of pairedWeightsCandidates(ctx.fileName)) {
    let bytes: Uint8Array;
    try {
      bytes = await ctx.readSibling(name);
    } catch (e) {
      if (isUserError(e) && e.code === 'file-missing') continue;
      throw e;
    }
    // Loaded only when a weights file is there: h5wasm is not needed for a JSON alone.
    const { readHdf5 } = await import('./hdf5');
    const { weightsFromTree, weightsLayout } = await import('./keras-weights-h5');
    const root = await readHdf5(bytes, name);
    if (!weightsLayout(root)) continue;
    const notes: string[] = [];
    let weights;
    try {
      weights = weightsFromTree(root, graph, name, notes);
    } catch (e) {
      if (!isUserError(e)) throw e;
      throw new UserError(`${ctx.fileName} and the weights beside it, ${name}, do not fit: ${e.message}`, e.hint ?? 'pair the JSON with the weights saved from the same model', e.code);
    }
    notes.unshift(`weights paired from ${name}`);
    return { weights, notes };
  }
  return { weights: [] };
}

export const kerasJsonCodec: FormatCodec = {
  async read(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
    const doc = parseJsonFile(main, ctx.fileName);
    if (!isJsonObject(doc)) throw new UserError(`${ctx.fileName} is not a Keras model JSON`, 'expected an object with "class_name" and "config"', 'not-keras-config');
    const { modelConfig, kerasVersion, backend } = unwrapModelTopology(doc);
    const graph = graphFromKerasConfig(modelConfig);
    const { weights, notes } = await siblingWeights(graph, ctx);
    return { graph, weights, ...(notes ? { notes } : {}), producer: { format: 'keras-json', kerasVersion, backend } };
  },
  async write(model, baseName) {
    const doc = kerasModelJson(model.graph);
    return [{ relPath: `${baseName}.json`, bytes: encodeUtf8(JSON.stringify(doc, null, 2) + '\n') }];
  },
};
