/**
 * `model-studio predict MODEL --input X.npy|X.json --output Y.npy|Y.json`: runs the model on inputs. NumPy
 * arrays in and out (float32 out), or JSON nested arrays.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UserError } from '../core/types';
import { readModel } from '../formats/registry';
import { loadEngine } from '../engine/tfjs/engines';
import { buildTfModel, predictModel } from '../engine/tfjs/model';
import { inputData, readNpyFile, writeNpy } from '../engine/datasets/npy';
import { elementCount } from '../engine/datasets/source';
import { modelIOShapes, reshapeCompatible } from '../engine/tfjs/training/adapter';
import type { Tensor } from '../engine/tfjs/tf';
import { engineOption } from './training-options';
import { parse, out } from './io';

const USAGE = 'predict MODEL --input X.npy|X.json --output Y.npy|Y.json [--batch-size B] [--engine E]';

function flattenJson(v: unknown, shape: number[], out: number[], depth = 0): void {
  if (Array.isArray(v)) {
    if (shape.length <= depth) shape.push(v.length);
    else if (shape[depth] !== v.length) throw new UserError('The JSON input is ragged: rows have different lengths.', undefined, 'bad-input');
    for (const x of v) flattenJson(x, shape, out, depth + 1);
  } else if (typeof v === 'number' && Number.isFinite(v)) {
    if (depth !== shape.length) throw new UserError('The JSON input is ragged.', undefined, 'bad-input');
    out.push(v);
  } else throw new UserError(`The JSON input holds a non-number: ${JSON.stringify(v)}.`, undefined, 'bad-input');
}

function readInput(path: string): { data: Float32Array | Int32Array; shape: number[] } {
  if (extname(path).toLowerCase() === '.npy') {
    const a = readNpyFile(path);
    return { data: inputData(a), shape: a.shape };
  }
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new UserError(`Cannot read ${path} as JSON: ${(e as Error).message}`, 'Give a .npy file or a JSON array of samples.', 'bad-input');
  }
  const shape: number[] = [];
  const out: number[] = [];
  flattenJson(json, shape, out);
  return { data: Float32Array.from(out), shape };
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { input: { type: 'string' }, output: { type: 'string' }, 'batch-size': { type: 'string' }, engine: { type: 'string' } },
    USAGE,
    [1, 1],
  );
  if (!values.input || !values.output) throw new UserError('predict needs --input and --output.', `usage: model-studio ${USAGE}`, 'usage');
  const file = await readModel(resolve(positionals[0]));
  const input = readInput(resolve(values.input));
  const { tf } = await loadEngine(engineOption(values.engine));
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    const io = modelIOShapes(model);
    const sampleShape = input.shape.slice(1);
    const modelShape = io.input.map((d, i) => d ?? sampleShape[i]) as number[];
    if (input.shape.length === 0 || !reshapeCompatible(sampleShape, modelShape)) {
      throw new UserError(
        `Each input sample has shape [${sampleShape.join(', ')}] but the model's input is [${io.input.map((d) => d ?? 'None').join(', ')}].`,
        'The first dimension of the input array counts the samples.',
        'shape-mismatch',
      );
    }
    const n = input.shape[0];
    const per = elementCount(modelShape);
    const batchSize = Number(values['batch-size'] ?? 256);
    const chunks: Float32Array[] = [];
    let outShape: number[] = [];
    for (let s = 0; s < n; s += batchSize) {
      const size = Math.min(batchSize, n - s);
      const xs = tf.tensor(input.data.subarray(s * per, (s + size) * per), [size, ...modelShape], io.inputDType === 'int32' ? 'int32' : 'float32');
      const y = predictModel(model, xs) as Tensor;
      outShape = y.shape.slice(1) as number[];
      chunks.push((await y.data()) as Float32Array);
      tf.dispose([xs, y]);
    }
    const all = new Float32Array(chunks.reduce((a, c) => a + c.length, 0));
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    const outPath = resolve(values.output);
    const shape = [n, ...outShape];
    const bytes =
      extname(outPath).toLowerCase() === '.npy'
        ? writeNpy({ dtype: '<f4', shape, data: all })
        : Buffer.from(JSON.stringify(nest(all, shape)));
    const tmp = `${outPath}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, bytes);
      renameSync(tmp, outPath);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new UserError(`Cannot write ${outPath}: ${(e as Error).message}`, undefined, 'write-failed');
    }
    out.stdout.write(`Wrote predictions [${shape.join(', ')}] to ${outPath}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}

function nest(data: Float32Array, shape: number[]): unknown {
  if (shape.length <= 1) return Array.from(data);
  const step = data.length / shape[0];
  return [...Array(shape[0]).keys()].map((i) => nest(data.subarray(i * step, (i + 1) * step), shape.slice(1)));
}
