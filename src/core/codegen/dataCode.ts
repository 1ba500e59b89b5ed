/**
 * Data loading code for a model's data spec, the way the engine reads it (src/engine/datasets/): MNIST pixels
 * scaled to [0, 1], CSV numeric features standardised and the label column last unless named, npz's
 * x_train/y_train or x/y, image folders through keras.utils.image_dataset_from_directory, text as windows of
 * characters predicting the next one. `load_data()` returns (x, y), or a batched dataset for image folders.
 */
import { parseDataSpec, SHIPPED_TEXT, type DataSpec } from '../training/dataSpec';
import type { TrainingConfig } from '../training/config';
import type { Shape } from '../types';
import { pyStr, pyValue } from './python';

export interface DataCode {
  lines: string[];
  /** `load_data()` returns a dataset of batches rather than (x, y). */
  batched: boolean;
}

const shapeOf = (s: Shape) => pyValue(s.slice(1).map((d) => d ?? -1));

function builtin(spec: DataSpec, inShape: Shape, outShape: Shape, asInput: boolean): string[] {
  if (spec.kind === 'xor') return ['x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")', 'y = np.array([[0], [1], [1], [0]], dtype="float32")', 'return x, y'];
  if (spec.kind === 'linear') {
    const n = Number(spec.options.features ?? 3);
    return [
      `# y = x.w + b + noise, x ~ U(-1, 1): the synthetic regression Model Studio trains on (${n} features).`,
      'rng = np.random.default_rng(1234)',
      `w = np.array([${[...Array(n).keys()].map((i) => [2, -3.5, 1.25, 0.5, -1][i % 5] * (1 + Math.floor(i / 5))).join(', ')}], dtype="float32")`,
      `x = rng.uniform(-1, 1, size=(1000, ${n})).astype("float32")`,
      'y = (x @ w + 0.5 + 0.05 * rng.standard_normal(1000)).astype("float32")[:, None]',
      'return x, y',
    ];
  }
  const module = spec.kind === 'mnist' ? 'mnist' : 'fashion_mnist';
  return [
    `(x, y), _ = keras.datasets.${module}.load_data()`,
    `x = (x.astype("float32") / 255.0).reshape((-1,) + ${shapeOf(inShape)})`,
    ...(asInput ? [`y = x.reshape((-1,) + ${shapeOf(outShape)})`] : []),
    'return x, y',
  ];
}

function csvLines(path: string, label: string | undefined): string[] {
  return [
    `with open(${pyStr(path)}, newline="") as f:`,
    '    rows = list(csv.reader(f))',
    'header = rows[0] if any(not _is_number(v) for v in rows[0]) else None',
    'rows = rows[1:] if header else rows',
    `label = ${label === undefined ? 'len(rows[0]) - 1' : /^-?\d+$/.test(label) ? label : `header.index(${pyStr(label)})`}`,
    'columns = list(zip(*rows))',
    'labels = columns.pop(label)',
    '# Numeric columns standardised (mean 0, std 1); text columns one-hot encoded.',
    'features = []',
    'for col in columns:',
    '    if all(_is_number(v) for v in col):',
    '        v = np.array(col, dtype="float32")',
    '        features.append(((v - v.mean()) / (v.std() or 1.0))[:, None])',
    '    else:',
    '        cats = sorted(set(col))',
    '        features.append(np.eye(len(cats), dtype="float32")[[cats.index(v) for v in col]])',
    'x = np.concatenate(features, axis=1)',
    'if all(_is_number(v) for v in labels):',
    '    y = np.array(labels, dtype="float32")',
    'else:',
    '    classes = sorted(set(labels))',
    '    y = np.array([classes.index(v) for v in labels], dtype="int32")',
    'return x, y',
  ];
}

function textLines(path: string, options: Record<string, string>): string[] {
  const seq = Number(options.seq ?? 40);
  const step = Number(options.step ?? 1);
  return [
    `text = open(${pyStr(path)}, encoding="utf-8").read()`,
    options.vocab === 'file' ? 'vocab = sorted(set(text))' : 'vocab = ["\\n"] + [chr(c) for c in range(32, 127)]  # newline and printable ASCII',
    'index = {c: i for i, c in enumerate(vocab)}',
    'ids = np.array([index[c] for c in text if c in index], dtype="int32")',
    `starts = range(0, len(ids) - ${seq}, ${step})`,
    `x = np.stack([ids[s : s + ${seq}] for s in starts])`,
    `y = np.array([ids[s + ${seq}] for s in starts], dtype="int32")`,
    'return x, y',
  ];
}

/** The body of `load_data()` and whether it returns batches. */
export function dataLines(t: TrainingConfig, inShape: Shape, outShape: Shape): DataCode {
  if (!t.dataset) return { lines: ['raise SystemExit("The model has no dataset in its training configuration: load x and y here.")'], batched: false };
  const spec = parseDataSpec(t.dataset);
  const asInput = t.target === 'input';
  switch (spec.kind) {
    case 'xor':
    case 'linear':
    case 'mnist':
    case 'fashion-mnist':
      return { lines: builtin(spec, inShape, outShape, asInput), batched: false };
    case 'csv':
      return { lines: csvLines(spec.paths[0], spec.options.label), batched: false };
    case 'npy':
      return { lines: [`return np.load(${pyStr(spec.paths[0])}), np.load(${pyStr(spec.paths[1])})`], batched: false };
    case 'npz':
      return {
        lines: [`data = np.load(${pyStr(spec.paths[0])})`, 'if "x_train" in data:', '    return data["x_train"], data["y_train"]', 'if "x" in data:', '    return data["x"], data["y"]', 'first, second = list(data.keys())[:2]', 'return data[first], data[second]'],
        batched: false,
      };
    case 'images': {
      const [h, w, c] = inShape.slice(1);
      const mode = c === 1 ? 'grayscale' : c === 4 ? 'rgba' : 'rgb';
      return {
        lines: [
          `data = keras.utils.image_dataset_from_directory(${pyStr(spec.paths[0])}, image_size=(${h ?? 64}, ${w ?? 64}), color_mode=${pyStr(mode)}, batch_size=${t.batchSize}, shuffle=${t.shuffle ? 'True' : 'False'})`,
          'return data.map(lambda x, y: (x / 255.0, y))  # pixels in [0, 1], as Model Studio reads them',
        ],
        batched: true,
      };
    }
    case 'text':
      return { lines: textLines(spec.paths[0], spec.options), batched: false };
    case 'genesis':
      // The text ships inside Model Studio (data/text/); the script reads a copy beside it.
      return { lines: [`# Model Studio's built-in text: copy ${SHIPPED_TEXT.file} from the extension's folder beside this script.`, ...textLines(SHIPPED_TEXT.fileName, spec.options)], batched: false };
  }
}

/**
 * The body of `load_test_data()` for the datasets that have a test split of their own (keras.datasets' MNIST and
 * Fashion-MNIST), or undefined: the notebook then evaluates on the validation samples.
 */
export function testDataLines(t: TrainingConfig, inShape: Shape, outShape: Shape): string[] | undefined {
  if (!t.dataset) return undefined;
  const spec = parseDataSpec(t.dataset);
  if (spec.kind !== 'mnist' && spec.kind !== 'fashion-mnist') return undefined;
  const [first, ...rest] = builtin(spec, inShape, outShape, t.target === 'input');
  return [first.replace('(x, y), _ =', '_, (x, y) ='), ...rest];
}

/** Helpers `load_data()` needs, at module level. */
export function dataHelpers(t: TrainingConfig): string[] {
  if (!t.dataset || parseDataSpec(t.dataset).kind !== 'csv') return [];
  return ['', '', 'def _is_number(v):', '    try:', '        float(v)', '        return True', '    except ValueError:', '        return False'];
}

export const dataImports = (t: TrainingConfig): string[] => (t.dataset && parseDataSpec(t.dataset).kind === 'csv' ? ['import csv'] : []);
