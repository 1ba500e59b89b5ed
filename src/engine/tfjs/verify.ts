/**
 * ONNX verification: run a model in ONNX Runtime and in TensorFlow.js on the same seeded random inputs and
 * compare. Used after every `.onnx` export (`model-studio convert`) and by `model-studio verify FILE`.
 */
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { analyze, expectedWeights } from '../../core/analysis';
import { rng } from '../../core/initializers';
import { withDefaults } from '../../core/layers';
import { TFJS_DEPARTURE_CODE } from '../../core/layers/tfjsSupport';
import { UserError, type ModelFile } from '../../core/types';
import { exportOnnx, isNchwInput } from '../../formats/onnx/export';
import { toFirstPerm, transposeData } from '../../formats/onnx/emitter';
import { decodeModel, DT, halfToNumber, numberToHalf } from '../../formats/onnx/proto';
import { readModel } from '../../formats/registry';
import { buildTfModel, predictModel } from './model';
import type { Tf } from './tf';

export interface VerifyOptions {
  /** Batch size of the random inputs (default 3). */
  batch?: number;
  /** Seed of the random inputs (default 1234). */
  seed?: number;
  /** Largest relative error accepted (default 1e-4): max |onnx - tfjs| / max |tfjs|, per output. */
  tolerance?: number;
  /** Size used for unknown non-batch dimensions (default 5). */
  unknownDim?: number;
  /**
   * The ONNX file was exported with `inputsNchw`: its image inputs are fed channels-first (the same random
   * data, transposed), as a PyTorch user would, while TF.js gets them channels-last.
   */
  inputsNchw?: boolean;
}

export interface VerifyReport {
  ok: boolean;
  maxAbs: number;
  maxRel: number;
  text: string;
}

/** One input of a prediction: its shape, its values, and whether the model takes it as integers. */
export interface Feed {
  shape: number[];
  /** Integers beyond 2^24 need a Float64Array to reach int32 exactly (float32 rounds them). */
  data: Float32Array | Float64Array;
  int: boolean;
}

/** Random inputs for the model's inputs: floats in [-1, 1), or integers in [0, input_dim) for Embedding inputs. */
function randomInputs(model: ModelFile, o: Required<VerifyOptions>): Feed[] {
  const g = model.graph;
  const a = analyze(g);
  const rand = rng(o.seed);
  return g.inputs.map((name) => {
    const layer = g.layers.find((l) => l.name === name)!;
    const shape = (a.layers.get(name)?.outputShape ?? []).map((d, i) => (i === 0 ? o.batch : (d ?? o.unknownDim)));
    const consumers = g.layers.filter((l) => l.inbound.includes(name));
    const emb = consumers.find((l) => l.className === 'Embedding');
    const dtype = layer.config.dtype;
    const int = emb !== undefined || dtype === 'int32' || dtype === 'int64';
    const n = shape.reduce((p, q) => p * q, 1);
    const data = new Float32Array(n);
    const high = emb ? Number(withDefaults('Embedding', emb.config).input_dim) : 10;
    for (let i = 0; i < n; i++) data[i] = int ? Math.floor(rand() * high) : rand() * 2 - 1;
    return { shape, data, int };
  });
}

const INT32_MAX = 2 ** 31 - 1;

let cpu: Promise<Tf> | undefined;
/** TF.js on its pure-JS cpu backend: float32 everywhere, the reference ONNX Runtime is compared with. */
function cpuTf(): Promise<Tf> {
  cpu ??= (async () => {
    const tf = await import('@tensorflow/tfjs');
    // Production mode: no "install tfjs-node" banner or debug checks on the user's terminal.
    tf.env().set('PROD', true);
    if (tf.getBackend() !== 'cpu') await tf.setBackend('cpu');
    await tf.ready();
    return tf;
  })();
  return cpu;
}

/**
 * The model's outputs on `feeds` in TF.js (cpu backend, float32), each with its shape; int32 outputs as a
 * Float64Array (every int32 exact; float32 rounds those beyond 2^24).
 */
export async function predictTfjs(model: ModelFile, feeds: Feed[]): Promise<{ shape: number[]; data: Float32Array | Float64Array }[]> {
  const tf = await cpuTf();
  // Strict: every weight must come from the file (a model without weights, e.g. only pooling, has none to miss).
  const m = await buildTfModel(tf, model, { strict: expectedWeights(model.graph).length > 0 });
  feeds.forEach((f, k) => {
    const bad = f.int ? f.data.find((v) => !(Math.abs(v) <= INT32_MAX)) : undefined;
    if (bad !== undefined) {
      throw new UserError(`The TensorFlow.js engine cannot run this model as Keras does: input ${k} holds the integer ${bad}, and TensorFlow.js holds integers as int32`, 'the keras engine holds int64 values', TFJS_DEPARTURE_CODE);
    }
  });
  const xs = feeds.map((f) => (f.int ? tf.tensor(Int32Array.from(f.data), f.shape, 'int32') : tf.tensor(Float32Array.from(f.data), f.shape, 'float32')));
  try {
    const y = predictModel(m, xs.length === 1 ? xs[0]! : xs);
    const ys = Array.isArray(y) ? y : [y];
    const out = await Promise.all(ys.map(async (t) => ({ shape: t.shape, data: (t.dtype === 'int32' ? Float64Array : Float32Array).from((await t.data()) as Float32Array) })));
    tf.dispose(ys);
    return out;
  } finally {
    tf.dispose(xs);
    m.dispose();
  }
}

async function tfjsPredict(model: ModelFile, feeds: Feed[]): Promise<(Float32Array | Float64Array)[]> {
  return (await predictTfjs(model, feeds)).map((o) => o.data);
}

/**
 * ONNX Runtime, loaded with its telemetry off. Left on, it creates a device id and an event database under
 * `~/.cache/Microsoft/DeveloperTools/` and a `mat-debug-<pid>.log` in the temporary folder on every run, never
 * removed: an editor extension must not phone home or write there unasked. The switch is read by the native
 * library when a session is created, so it is set before the first one.
 */
export async function loadOrt(): Promise<typeof import('onnxruntime-node')> {
  process.env.ORT_DISABLE_TELEMETRY = '1';
  return import('onnxruntime-node');
}

/** One input in the element type the ONNX file declares for it (ints, bool, float16, double or float). */
function ortTensor(ort: typeof import('onnxruntime-node'), elem: number, f: Feed): InstanceType<typeof ort.Tensor> {
  switch (elem) {
    case DT.INT64:
      return new ort.Tensor('int64', BigInt64Array.from(f.data, (v) => BigInt(v)), f.shape);
    case DT.UINT64:
      return new ort.Tensor('uint64', BigUint64Array.from(f.data, (v) => BigInt(v)), f.shape);
    case DT.INT32:
      return new ort.Tensor('int32', Int32Array.from(f.data), f.shape);
    case DT.UINT32:
      return new ort.Tensor('uint32', Uint32Array.from(f.data), f.shape);
    case DT.UINT16:
      return new ort.Tensor('uint16', Uint16Array.from(f.data), f.shape);
    case DT.INT16:
      return new ort.Tensor('int16', Int16Array.from(f.data), f.shape);
    case DT.INT8:
      return new ort.Tensor('int8', Int8Array.from(f.data), f.shape);
    case DT.UINT8:
      return new ort.Tensor('uint8', Uint8Array.from(f.data), f.shape);
    case DT.BOOL:
      return new ort.Tensor('bool', Uint8Array.from(f.data, (v) => (v ? 1 : 0)), f.shape);
    case DT.DOUBLE:
      return new ort.Tensor('float64', Float64Array.from(f.data), f.shape);
    case DT.FLOAT16:
      return new ort.Tensor('float16', Uint16Array.from(f.data, numberToHalf), f.shape);
    default:
      return new ort.Tensor('float32', Float32Array.from(f.data), f.shape);
  }
}

/** ONNX Runtime's outputs, each with whether it holds integers or bools (compared exactly). */
async function onnxPredict(onnxBytes: Uint8Array, feeds: Feed[]): Promise<{ data: Float32Array | Float64Array; exact: boolean }[]> {
  const ort = await loadOrt();
  const proto = decodeModel(onnxBytes, 'the ONNX model');
  const initNames = new Set((proto.graph!.initializer ?? []).map((t) => t.name));
  const inputs = (proto.graph!.input ?? []).filter((i) => !initNames.has(i.name));
  if (inputs.length !== feeds.length) {
    throw new UserError(`The ONNX model has ${inputs.length} inputs but the model has ${feeds.length}`, 'the two models do not match', 'verify-mismatch');
  }
  const session = await ort.InferenceSession.create(onnxBytes);
  try {
    const feed: Record<string, InstanceType<typeof ort.Tensor>> = {};
    inputs.forEach((info, i) => {
      const f = feeds[i]!;
      feed[info.name!] = ortTensor(ort, info.type?.tensorType?.elemType ?? DT.FLOAT, f);
    });
    const result = await session.run(feed);
    // float16 comes back as its 16-bit patterns: compared as the numbers they are.
    return session.outputNames.map((n) => {
      const t = result[n]!;
      const exact = !/^float|^bfloat/.test(t.type);
      const data = t.type === 'float16' ? Float32Array.from(t.data as Uint16Array, halfToNumber) : exact ? Float64Array.from(t.data as Float32Array, Number) : Float32Array.from(t.data as Float32Array, Number);
      return { data, exact };
    });
  } finally {
    await session.release();
  }
}

/** `ref` is TF.js's outputs, `onnxOut` ONNX Runtime's: integer and bool outputs must be equal, the others within `tolerance`. */
function compare(label: string, onnxOut: { data: Float32Array | Float64Array; exact: boolean }[], ref: (Float32Array | Float64Array)[], tolerance: number, feeds: Feed[], seed: number): VerifyReport {
  const ours = onnxOut.map((o) => o.data);
  let inexact = false;
  if (ours.length !== ref.length) {
    return { ok: false, maxAbs: Infinity, maxRel: Infinity, text: `ONNX check failed: ${ref.length} outputs from ONNX Runtime, ${ours.length} from TensorFlow.js` };
  }
  let maxAbs = 0;
  let maxRel = 0;
  const lines: string[] = [];
  for (let k = 0; k < ours.length; k++) {
    const a = ours[k]!;
    const b = ref[k]!;
    if (a.length !== b.length) {
      return { ok: false, maxAbs: Infinity, maxRel: Infinity, text: `ONNX check failed: output ${k} has ${b.length} values in TensorFlow.js but ${a.length} in ONNX Runtime` };
    }
    let abs = 0;
    let scale = 0;
    for (let i = 0; i < a.length; i++) {
      const d = Math.abs(a[i]! - b[i]!);
      abs = Number.isNaN(d) ? Infinity : Math.max(abs, d);
      scale = Math.max(scale, Math.abs(b[i]!));
    }
    const rel = abs / Math.max(scale, 1e-12);
    maxAbs = Math.max(maxAbs, abs);
    maxRel = Math.max(maxRel, rel);
    const exact = onnxOut[k]!.exact;
    if (exact && abs > 0) inexact = true;
    lines.push(`  output ${k}: ${b.length} values${exact ? ' (integers: must be equal)' : ''}, max abs error ${abs.toExponential(2)}, max rel error ${rel.toExponential(2)}`);
  }
  const ok = maxRel <= tolerance && !inexact;
  const shapes = feeds.map((f) => `[${f.shape.join(', ')}]${f.int ? ' int' : ''}`).join(', ');
  const head = `${label}: ${ok ? 'OK' : 'FAILED'} on random inputs ${shapes} (seed ${seed}): max abs error ${maxAbs.toExponential(2)}, max rel error ${maxRel.toExponential(2)} (limit ${tolerance.toExponential(0)})`;
  return { ok, maxAbs, maxRel, text: [head, ...lines].join('\n') };
}

function options(opts: VerifyOptions): Required<VerifyOptions> {
  return { batch: opts.batch ?? 3, seed: opts.seed ?? 1234, tolerance: opts.tolerance ?? 1e-4, unknownDim: opts.unknownDim ?? 5, inputsNchw: opts.inputsNchw ?? false };
}

/**
 * The batch size an ONNX file fixes on every input (torch.onnx.export's default, without dynamic_axes), which
 * ONNX Runtime insists on; undefined when any input leaves it free or they disagree.
 */
function fixedBatch(onnxBytes: Uint8Array): number | undefined {
  const g = decodeModel(onnxBytes, 'the ONNX model').graph!;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const dims = (g.input ?? []).filter((i) => !inits.has(i.name)).map((i) => Number(i.type?.tensorType?.shape?.dim?.[0]?.dimValue ?? 0));
  return dims.length > 0 && dims.every((d) => d > 0 && d === dims[0]) ? dims[0] : undefined;
}

/** ONNX integer types an input may declare, with the random integers it is fed: bool 0 or 1, the others 0 to 9. */
const INT_INPUTS = new Map<number, number>([[DT.BOOL, 2], [DT.INT8, 10], [DT.UINT8, 10], [DT.INT16, 10], [DT.UINT16, 10], [DT.INT32, 10], [DT.UINT32, 10], [DT.INT64, 10], [DT.UINT64, 10]]);

/**
 * Each input gets values of the type the file declares for it, so both runtimes see the same numbers: float16
 * inputs values float16 can hold, integer and bool inputs integers (the random floats in [-1, 1) mapped onto
 * 0..9, or 0..1), fed to TF.js as int32.
 */
function inputsAsDeclared(feeds: Feed[], onnxBytes: Uint8Array): Feed[] {
  const g = decodeModel(onnxBytes, 'the ONNX model').graph!;
  const inits = new Set((g.initializer ?? []).map((t) => t.name));
  const types = (g.input ?? []).filter((i) => !inits.has(i.name)).map((i) => i.type?.tensorType?.elemType ?? DT.FLOAT);
  return feeds.map((f, i) => {
    if (types[i] === DT.FLOAT16) return { ...f, data: Float32Array.from(f.data, (v) => halfToNumber(numberToHalf(v))) };
    const high = INT_INPUTS.get(types[i]!);
    if (high === undefined || f.int) return f;
    return { ...f, int: true, data: Float32Array.from(f.data, (v) => Math.min(high - 1, Math.floor(((v + 1) / 2) * high))) };
  });
}

/** Runs `onnxBytes` (an export of `model`) in ONNX Runtime and compares with the tfjs prediction of `model`. */
export async function verifyOnnxExport(model: ModelFile, onnxBytes: Uint8Array, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const o = options(opts);
  const feeds = inputsAsDeclared(randomInputs(model, o), onnxBytes);
  const ref = await tfjsPredict(model, feeds);
  let onnxFeeds = feeds;
  if (o.inputsNchw) {
    onnxFeeds = feeds.map((f, i) => {
      if (f.int || !isNchwInput(model, model.graph.inputs[i]!, f.shape)) return f;
      const perm = toFirstPerm(f.shape.length);
      return { ...f, shape: perm.map((p) => f.shape[p]!), data: transposeData(f.data, f.shape, perm).data };
    });
  }
  const ours = await onnxPredict(onnxBytes, onnxFeeds);
  const label = o.inputsNchw ? 'ONNX Runtime vs TensorFlow.js (ONNX image inputs fed NCHW)' : 'ONNX Runtime vs TensorFlow.js';
  return compare(label, ours, ref, o.tolerance, feeds, o.seed);
}

/**
 * `model-studio verify FILE`: an `.onnx` file is imported and our TF.js model compared with ONNX Runtime on
 * the original; any other model is exported to ONNX in memory and the export compared with TF.js.
 */
export async function verifyModelFile(file: string, opts: VerifyOptions = {}): Promise<VerifyReport> {
  const model = await readModel(file);
  const isOnnx = path.extname(file).toLowerCase() === '.onnx';
  const onnxBytes = isOnnx ? new Uint8Array(await readFile(file)) : exportOnnx(model);
  const batch = opts.batch ?? (isOnnx ? fixedBatch(onnxBytes) : undefined);
  const report = await verifyOnnxExport(model, onnxBytes, { ...opts, batch });
  const what = isOnnx ? `${path.basename(file)} in ONNX Runtime vs its import in TensorFlow.js` : `${path.basename(file)} exported to ONNX, ONNX Runtime vs TensorFlow.js`;
  return { ...report, text: report.text.replace(/^ONNX Runtime vs TensorFlow\.js/, what) };
}
