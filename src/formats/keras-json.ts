/**
 * The Keras architecture JSON format (`model.to_json()`): a model config without weights. Reading is
 * keras-config-read.ts, writing keras-config-write.ts.
 */
import { UserError, type ModelFile } from '../core/types';
import { encodeUtf8, isJsonObject, parseJsonFile, type FormatCodec, type ReadContext } from './format';
import { graphFromKerasConfig, unwrapModelTopology } from './keras-config-read';
import { kerasModelJson } from './keras-config-write';

export const kerasJsonCodec: FormatCodec = {
  async read(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
    const doc = parseJsonFile(main, ctx.fileName);
    if (!isJsonObject(doc)) throw new UserError(`${ctx.fileName} is not a Keras model JSON`, 'expected an object with "class_name" and "config"', 'not-keras-config');
    const { modelConfig, kerasVersion, backend } = unwrapModelTopology(doc);
    return {
      graph: graphFromKerasConfig(modelConfig),
      weights: [],
      producer: { format: 'keras-json', kerasVersion, backend },
    };
  },
  async write(model, baseName) {
    const doc = kerasModelJson(model.graph);
    return [{ relPath: `${baseName}.json`, bytes: encodeUtf8(JSON.stringify(doc, null, 2) + '\n') }];
  },
};
