/**
 * Fuzz runs of the data loaders (issue 18): mutated `.npy` (X or Y), `.npz` (the archive's bytes or one of
 * its arrays) and images (PNG and JPEG in an image folder) go through `evaluate` (the training loaders,
 * in-process) and, every 21st run, through `train` (its worker process: about 20 times the cost), and mutated
 * `.npy` inputs through `predict`. Classified as the model runs are; a failed run must leave the model and
 * its weights as they were, and a failed predict must leave no output.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { unzipSync, zipSync } from 'fflate';
import { crc32 } from '../../src/formats/crc32';
import { writeNpy, writeNpz, type NpyArray } from '../../src/engine/datasets/npy';
import { encodePng } from '../../src/engine/datasets/png';
import { mutateImage, mutateNpy, rng, type Mutation, type Random } from './mutate';
import { classifyReply, HANG_MS, type Pool, type RunClass, type RunRecord } from './runner';

export const DATA_READERS = ['evaluate-npy', 'evaluate-npz', 'predict-npy', 'evaluate-images', 'train-npy', 'train-npz', 'train-images'] as const;
type DataReader = (typeof DATA_READERS)[number];

/** Every TRAIN_EVERY-th data run trains (the three train readers in turn); the others cycle the cheap four. */
const TRAIN_EVERY = 21;

function readerOf(k: number): DataReader {
  return k % TRAIN_EVERY === TRAIN_EVERY - 1 ? DATA_READERS[4 + (Math.floor(k / TRAIN_EVERY) % 3)]! : DATA_READERS[k % 4]!;
}

const N = 12;
const MODEL_FILES = ['tiny.json', 'tiny.weights.bin'];

/** An 8x8 RGB classifier over 3 classes, as Keras' to_json writes it. */
const TINY = JSON.stringify({
  class_name: 'Sequential',
  config: {
    name: 'tiny',
    layers: [
      { class_name: 'InputLayer', config: { batch_input_shape: [null, 8, 8, 3], dtype: 'float32', name: 'in' } },
      { class_name: 'Flatten', config: { name: 'flat' } },
      { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
    ],
  },
  keras_version: '2.2.4',
  backend: 'tensorflow',
});

const x = (): NpyArray => ({ dtype: '<f4', shape: [N, 8, 8, 3], data: new Float32Array(N * 192).map((_, i) => ((i * 37) % 255) / 255) });
const y = (): NpyArray => ({ dtype: '<i4', shape: [N], data: new Int32Array(N).map((_, i) => i % 3) });

/** The base folder: the model trained once (so predict has weights), its data in every form. */
export async function dataBase(pool: Pool, root: string): Promise<string> {
  const dir = join(root, 'data-base');
  if (existsSync(join(dir, 'tiny.weights.bin'))) return dir;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tiny.json'), TINY);
  writeFileSync(join(dir, 'x.npy'), writeNpy(x()));
  writeFileSync(join(dir, 'y.npy'), writeNpy(y()));
  writeFileSync(join(dir, 'data.npz'), writeNpz({ x: x(), y: y() }, true));
  for (const [c, cls] of ['a', 'b', 'c'].entries()) {
    mkdirSync(join(dir, 'images', cls), { recursive: true });
    for (let k = 0; k < 3; k++) {
      const pixels = new Uint8Array(64 * 3).map((_, i) => (i * (c + 3) + k * 17) % 256);
      const rgba = new Uint8Array(64 * 4).map((_, i) => (i % 4 === 3 ? 255 : pixels[Math.floor(i / 4) * 3 + (i % 4)]!));
      if (k < 2) writeFileSync(join(dir, 'images', cls, `${k}.png`), encodePng({ width: 8, height: 8, channels: 3, data: pixels }));
      else writeFileSync(join(dir, 'images', cls, `${k}.jpg`), encodeJpeg({ width: 8, height: 8, data: rgba }, 90).data);
    }
  }
  const reply = await pool.run(trainArgv(dir, 'npy:x.npy,y.npy'));
  if (typeof reply === 'string' || reply.code !== 0) throw new Error(`could not train the data model: ${JSON.stringify(reply)}`);
  return dir;
}

function trainArgv(dir: string, spec: string, command = 'train'): string[] {
  const data = spec.replace(/^(\w+):(.*)$/, (_, kind: string, paths: string) => `${kind}:${paths.split(',').map((p) => join(dir, p)).join(',')}`);
  const common = ['--batch-size', '4', '--engine', 'cpu', '--loss', 'sparse_categorical_crossentropy'];
  if (command === 'evaluate') return ['evaluate', join(dir, 'tiny.json'), '--data', data, ...common];
  return ['train', join(dir, 'tiny.json'), '--data', data, '--epochs', '1', '--workspace', dir, ...common];
}

/** One npz mutation: the archive's bytes, or one array inside it (the archive rebuilt around it). */
function mutateNpz(bytes: Uint8Array, r: Random): Mutation {
  const members = unzipSync(bytes);
  const name = r() < 0.5 ? 'x.npy' : 'y.npy';
  if (r() < 0.5) {
    const m = mutateNpy(members[name]!, r);
    members[name] = m.bytes;
    return { kind: `npz-member-${m.kind}`, detail: `${name}: ${m.detail}`, bytes: zipSync(members, { level: r() < 0.5 ? 0 : 6 }) };
  }
  return mutateNpy(bytes, r);
}

/** A plain copy (a Buffer's slice() would be a view, and its fill() throws past the end). */
const bytesOf = (dir: string, file: string) => new Uint8Array(readFileSync(join(dir, file)));

/** What a run mutates: the file (relative to the run folder) and how. */
function mutation(reader: DataReader, dir: string, r: Random): { file: string; m: Mutation } {
  if (reader.endsWith('-npz')) return { file: 'data.npz', m: mutateNpz(bytesOf(dir, 'data.npz'), r) };
  if (reader.endsWith('-images')) {
    const k = Math.floor(r() * 3);
    const file = `images/${'abc'[Math.floor(r() * 3)]}/${k}.${k < 2 ? 'png' : 'jpg'}`;
    return { file, m: mutateImage(bytesOf(dir, file), r, crc32) };
  }
  const file = reader === 'predict-npy' || r() < 0.6 ? 'x.npy' : 'y.npy';
  return { file, m: mutateNpy(bytesOf(dir, file), r) };
}

function argvFor(reader: DataReader, dir: string): string[] {
  if (reader === 'predict-npy') return ['predict', join(dir, 'tiny.json'), '--input', join(dir, 'x.npy'), '--output', join(dir, 'out.npy')];
  const [command, kind] = reader.split('-') as [string, string];
  const spec = kind === 'npz' ? 'npz:data.npz' : kind === 'images' ? 'images:images' : 'npy:x.npy,y.npy';
  return trainArgv(dir, spec, command);
}

/** Run `k` of the data runs (readerOf), on a fresh copy of the base. */
export async function dataRun(pool: Pool, root: string, seed: number, k: number): Promise<RunRecord> {
  const base = await dataBase(pool, root);
  const reader = readerOf(k);
  const dir = join(root, 'runs', `data-${k}`);
  cpSync(base, dir, { recursive: true });
  rmSync(join(dir, '.modelstudio'), { recursive: true, force: true });
  const r = rng(seed * 9_000_011 + k);
  const { file, m } = mutation(reader, dir, r);
  writeFileSync(join(dir, file), m.bytes);
  const before = MODEL_FILES.map((f) => readFileSync(join(dir, f)));
  const reply = await pool.run(argvFor(reader, dir));
  const rec = (cls: RunClass, why: string, ms = 0): RunRecord => ({ reader, index: k, command: reader.split('-')[0]!, mutation: `${file}: ${m.kind} (${m.detail})`, cls, why, ms });
  let out: RunRecord;
  if (reply === 'hang') out = rec('hang', `no answer in ${HANG_MS / 1000} s`, HANG_MS);
  else if (reply === 'died') out = rec('internal-error', 'the worker process died');
  else {
    const c = classifyReply('train', reply);
    out = rec(c.cls, c.why, reply.ms);
    const changed = MODEL_FILES.filter((f, i) => !readFileSync(join(dir, f)).equals(before[i]!));
    if (c.cls === 'clean-error' && changed.length) out = rec('partial-write', `a failed run changed ${changed.join(', ')}`, reply.ms);
    if (reader === 'predict-npy' && c.cls === 'clean-error' && existsSync(join(dir, 'out.npy'))) out = rec('partial-write', 'a failed predict left out.npy', reply.ms);
    if (reader === 'predict-npy' && c.cls === 'ok' && !existsSync(join(dir, 'out.npy'))) out = rec('internal-error', 'predict succeeded without writing out.npy', reply.ms);
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}
