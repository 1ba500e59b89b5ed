/**
 * TensorFlow.js Layers format: `model.json` (Keras topology + weights manifest) and binary weight files.
 * This is Model Studio's canonical on-disk format; `tf.loadLayersModel` loads what we write unchanged.
 *
 * References: tfjs-core src/io/types.ts (ModelJSON, WeightsManifestEntry, quantization), src/io/io_utils.ts
 * (`decodeWeights`: group shards are concatenated, weights laid out back to back, quantized values are
 * `q * scale + min`, float16 is IEEE half), src/io/file_system (tfjs-node writes `model.json` + `weights.bin`).
 *
 * Written files: `model.json` gets `weights.bin` (what tfjs-node's `file://` saver writes); any other
 * `<base>.json` gets `<base>.weights.bin` (a trailing `.model` is dropped: `mnist.model.json` ->
 * `mnist.weights.bin`), so two models in one folder do not overwrite each other's weights. All weights go
 * in one group with one shard; a model without weights is written without a manifest (TF.js then
 * initialises it as Keras would).
 */
import { UserError, type Json, type JsonObject, type ModelFile, type NamedTensor, type WeightDType } from '../core/types';
import {
  GENERATED_BY,
  encodeUtf8,
  isJsonObject,
  metadataWithLayout,
  parseJsonFile,
  takeLayoutFromMetadata,
  type FormatCodec,
  type OutputFile,
  type ReadContext,
} from './format';
import { toTfjsSpelling } from './keras-config-layer';
import { graphFromKerasConfig, unwrapModelTopology } from './keras-config-read';
import { kerasModelJson } from './keras-config-write';

const BYTES_PER_ELEMENT = { float32: 4, int32: 4, uint8: 1, uint16: 2, float16: 2 } as const;

/** A manifest entry after validation. */
interface ManifestWeight {
  name: string;
  shape: number[];
  dtype: WeightDType;
  quantization?: { dtype: 'uint8' | 'uint16' | 'float16'; min: number; scale: number };
  bytes: number;
}

/** TF.js weight names as found, normalised to `<layer>/<weight>`: a trailing `:0` (TF variable suffix) is dropped. */
function normalizeWeightName(name: string): string {
  return name.replace(/:\d+$/, '');
}

function badManifest(detail: string): UserError {
  return new UserError(`The weights manifest in model.json is invalid: ${detail}`, 'the file may be damaged; save or convert the model again', 'bad-manifest');
}

function parseManifestWeight(w: Json): ManifestWeight {
  if (!isJsonObject(w) || typeof w.name !== 'string') throw badManifest('a weight entry has no name');
  const name = normalizeWeightName(w.name);
  if (!Array.isArray(w.shape) || !w.shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw badManifest(`weight '${w.name}' ${w.shape === undefined ? 'has no shape' : `has an invalid shape ${JSON.stringify(w.shape)}`}`);
  }
  const shape = w.shape as number[];
  const dtype = w.dtype;
  if (dtype !== 'float32' && dtype !== 'int32') {
    throw new UserError(
      // Not String(): a hostile manifest's object dtype printed as '[object Object]' (issue 18).
      `Weight '${w.name}' has ${typeof dtype === 'string' ? `dtype '${dtype}'` : `a dtype that is not a name (${JSON.stringify(dtype ?? null).slice(0, 40)})`}; Model Studio reads float32 and int32 weights`,
      'convert the model with float32 weights',
      'unsupported-dtype',
    );
  }
  const count = shape.reduce((a, b) => a * b, 1);
  let quantization: ManifestWeight['quantization'];
  let perElement: number = BYTES_PER_ELEMENT[dtype];
  if (w.quantization !== undefined && w.quantization !== null) {
    const q = w.quantization;
    if (!isJsonObject(q) || (q.dtype !== 'uint8' && q.dtype !== 'uint16' && q.dtype !== 'float16')) {
      throw new UserError(
        `Weight '${w.name}' uses a quantization Model Studio does not read (${JSON.stringify(isJsonObject(q) ? q.dtype : q)})`,
        'convert the model again without quantization, or with uint8, uint16 or float16 quantization',
        'unsupported-quantization',
      );
    }
    if (q.dtype !== 'float16' && (typeof q.min !== 'number' || typeof q.scale !== 'number')) {
      throw badManifest(`weight '${w.name}' is quantized to ${q.dtype} without "min" and "scale"`);
    }
    quantization = { dtype: q.dtype, min: typeof q.min === 'number' ? q.min : 0, scale: typeof q.scale === 'number' ? q.scale : 1 };
    perElement = BYTES_PER_ELEMENT[q.dtype];
  }
  return { name, shape, dtype, quantization, bytes: count * perElement };
}

/** IEEE 754 half precision to float (tfjs-core io_utils `getFloat16Decoder`). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

function decodeWeight(w: ManifestWeight, bytes: Uint8Array): NamedTensor {
  const count = w.shape.reduce((a, b) => a * b, 1);
  // Copy: the slice may sit at an offset that is not a multiple of 4 in the shard buffer.
  const own = bytes.slice();
  const view = new DataView(own.buffer, own.byteOffset, own.byteLength);
  if (!w.quantization) {
    const data = w.dtype === 'float32' ? new Float32Array(count) : new Int32Array(count);
    for (let i = 0; i < count; i++) data[i] = w.dtype === 'float32' ? view.getFloat32(i * 4, true) : view.getInt32(i * 4, true);
    return { name: w.name, shape: w.shape, dtype: w.dtype, data };
  }
  const q = w.quantization;
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    if (q.dtype === 'uint8') values[i] = view.getUint8(i) * q.scale + q.min;
    else if (q.dtype === 'uint16') values[i] = view.getUint16(i * 2, true) * q.scale + q.min;
    else values[i] = halfToFloat(view.getUint16(i * 2, true));
  }
  if (w.dtype === 'int32') return { name: w.name, shape: w.shape, dtype: 'int32', data: Int32Array.from(values, (v) => Math.round(v)) };
  return { name: w.name, shape: w.shape, dtype: 'float32', data: Float32Array.from(values) };
}

/** Reads every group's shards (confined to the model's folder), checks sizes, and decodes the weights. */
async function readWeights(manifest: Json | undefined, ctx: ReadContext): Promise<NamedTensor[]> {
  if (manifest === undefined || manifest === null) return [];
  if (!Array.isArray(manifest)) throw badManifest('"weightsManifest" is not a list');
  const out: NamedTensor[] = [];
  const seen = new Set<string>();
  for (const [gi, group] of manifest.entries()) {
    if (!isJsonObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      throw badManifest(`group ${gi + 1} needs "paths" and "weights" lists`);
    }
    const paths = group.paths.map((p) => {
      if (typeof p !== 'string') throw badManifest(`group ${gi + 1} has a path that is not a string`);
      return p;
    });
    const weights = group.weights.map(parseManifestWeight);
    const shards: Uint8Array[] = [];
    for (const p of paths) shards.push(await ctx.readSibling(p));
    const have = shards.reduce((a, s) => a + s.byteLength, 0);
    const need = weights.reduce((a, w) => a + w.bytes, 0);
    if (have !== need) {
      const files = paths.join(', ') || '(no files)';
      throw new UserError(
        have < need
          ? `The weights file ${files} is truncated: it has ${have} bytes but model.json describes ${need} bytes of weights`
          : `The weights file ${files} has ${have} bytes but model.json describes ${need} bytes of weights`,
        'copy or download the .bin files again; they must be the ones written together with this model.json',
        'weights-size',
      );
    }
    const all = concat(shards);
    let offset = 0;
    for (const w of weights) {
      if (seen.has(w.name)) throw badManifest(`weight '${w.name}' is listed twice`);
      seen.add(w.name);
      out.push(decodeWeight(w, all.subarray(offset, offset + w.bytes)));
      offset += w.bytes;
    }
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const total = parts.reduce((a, p) => a + p.byteLength, 0);
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.byteLength;
  }
  return out;
}

/** The weights file name that goes with a model file named `<baseName>.json`. */
export function weightsFileName(baseName: string): string {
  const stem = baseName.replace(/\.model$/i, '');
  return stem === 'model' || stem === '' ? 'weights.bin' : `${stem}.weights.bin`;
}

function weightBytes(t: NamedTensor): Uint8Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (t.data.length !== count) {
    throw new UserError(
      `Weight '${t.name}' has ${t.data.length} values but its shape [${t.shape.join(', ')}] needs ${count}`,
      'the weights do not match the architecture; reopen the model from a file that holds both together',
      'weights-size',
    );
  }
  const out = new Uint8Array(count * 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count; i++) {
    if (t.dtype === 'int32') view.setInt32(i * 4, t.data[i]!, true);
    else view.setFloat32(i * 4, t.data[i]!, true);
  }
  return out;
}

export const tfjsCodec: FormatCodec = {
  async read(main: Uint8Array, ctx: ReadContext): Promise<ModelFile> {
    const doc = parseJsonFile(main, ctx.fileName);
    if (!isJsonObject(doc) || !isJsonObject(doc.modelTopology)) {
      throw new UserError(
        `${ctx.fileName} is not a TensorFlow.js model: it has no "modelTopology"`,
        'a TF.js layers model.json holds "modelTopology" and "weightsManifest"; open the file that tf.io / tensorflowjs_converter wrote',
        'not-tfjs',
      );
    }
    if (doc.format === 'graph-model' || Array.isArray(doc.modelTopology.node)) {
      throw new UserError(
        `${ctx.fileName} is a TensorFlow.js graph model (a converted SavedModel), not a layers model`,
        'convert the Keras model with tensorflowjs_converter --output_format=tfjs_layers_model, or open the .h5/.keras file',
        'graph-model',
      );
    }
    const { modelConfig, kerasVersion, backend, trainingConfig } = unwrapModelTopology(doc.modelTopology);
    const graph = graphFromKerasConfig(modelConfig);
    const weights = await readWeights(doc.weightsManifest, ctx);
    const meta = isJsonObject(doc.userDefinedMetadata) ? doc.userDefinedMetadata : undefined;
    const file: ModelFile = {
      graph,
      weights,
      trainingConfig: isJsonObject(doc.trainingConfig) ? doc.trainingConfig : trainingConfig ?? null,
      producer: {
        format: 'tfjs',
        kerasVersion,
        backend,
        generatedBy: typeof doc.generatedBy === 'string' ? doc.generatedBy : undefined,
        convertedBy: typeof doc.convertedBy === 'string' ? doc.convertedBy : undefined,
      },
    };
    const rest = takeLayoutFromMetadata(graph, meta);
    if (rest && Object.keys(rest).length) file.userDefinedMetadata = rest;
    return file;
  },

  async write(model: ModelFile, baseName: string): Promise<OutputFile[]> {
    const files: OutputFile[] = [];
    const doc: JsonObject = {
      modelTopology: toTfjsSpelling(kerasModelJson(model.graph)),
      format: 'layers-model',
      generatedBy: GENERATED_BY,
      convertedBy: null,
    };
    if (model.weights.length) {
      const bin = weightsFileName(baseName);
      const names = new Set<string>();
      for (const w of model.weights) {
        if (names.has(w.name)) throw new UserError(`Two weights are both named '${w.name}'`, 'each weight name must be unique; rename one of the layers', 'duplicate-weight');
        names.add(w.name);
      }
      doc.weightsManifest = [
        { paths: [bin], weights: model.weights.map((w) => ({ name: w.name, shape: w.shape, dtype: w.dtype })) },
      ];
      files.push({ relPath: bin, bytes: concat(model.weights.map(weightBytes)) });
    }
    if (model.trainingConfig) doc.trainingConfig = model.trainingConfig;
    const meta = metadataWithLayout(model.graph, model.userDefinedMetadata);
    if (meta) doc.userDefinedMetadata = meta;
    // Indented, so that a change to one layer is a readable diff in git (tf.loadLayersModel parses any JSON).
    files.unshift({ relPath: `${baseName}.json`, bytes: encodeUtf8(`${JSON.stringify(doc, null, 2)}\n`) });
    return files;
  },
};
