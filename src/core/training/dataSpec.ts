/**
 * Data specs: one string names a dataset everywhere (settings, CLI, saved training config).
 *   xor | linear[?features=N] | mnist | fashion-mnist | genesis[?seq=40&step=1] | csv:PATH[?label=COL&weight=COL] | npz:PATH
 *   npy:X.npy,Y.npy[,W.npy]
 *   images:DIR[?seed=N] | text:PATH[?seq=40&step=1&vocab=file]
 * Keras' `fit(..., sample_weight=w)` comes from the data (SAMPLE_WEIGHT below).
 * `splitDataSpec` / `joinDataSpec` are the form's lossless split; `parseDataSpec` is the checked reading the
 * engine's loaders (src/engine/datasets/spec.ts) take. No file system here.
 */
import { UserError } from '../types';

/** Dataset kinds of a data spec. */
export const DATASET_KINDS = ['xor', 'linear', 'mnist', 'fashion-mnist', 'genesis', 'csv', 'npz', 'npy', 'images', 'text'] as const;
export type DatasetKind = (typeof DATASET_KINDS)[number];
/** Kinds that name a file or folder (browse asks the host for a picker). */
export const DATASET_PATH_KINDS: readonly DatasetKind[] = ['csv', 'npz', 'npy', 'images', 'text'];
/** Kinds built in (generated, downloaded or shipped): no path. */
export const DATASET_BUILTIN_KINDS: readonly DatasetKind[] = ['xor', 'linear', 'mnist', 'fashion-mnist', 'genesis'];

/** The text datasets' default vocabulary: newline and printable ASCII, 96 symbols (the char-rnn template's Embedding). */
export const ASCII_VOCAB: readonly string[] = ['\n', ...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i))];

/**
 * The text the `genesis` dataset reads (a text dataset with the default options), shipped inside the package:
 * the Book of Genesis, King James Version (public domain; its source in data/text/README.md).
 */
export const SHIPPED_TEXT = { kind: 'genesis', file: 'data/text/kjv-genesis.txt', fileName: 'kjv-genesis.txt' } as const;

/**
 * Where a dataset carries Keras' sample_weight (one non-negative weight per sample): npz arrays beside the
 * inputs and targets (`sample_weight` with x_train/y_train or x/y, then per split), a csv column named by an
 * option, and the optional third file of an npy spec.
 */
export const SAMPLE_WEIGHT = {
  npzKeys: { train: 'sample_weight', validation: 'sample_weight_val', test: 'sample_weight_test' },
  csvOption: 'weight',
} as const;

/** A data spec split into the parts the form edits: `kind:path?options` (options as `k=v&k=v`, as written). */
export interface DataSpecParts {
  kind: string;
  path: string;
  options: Record<string, string>;
}

/** A checked data spec: a known kind, its paths (csv/npz/images/text: one; npy: X, Y and maybe W), decoded options. */
export interface DataSpec {
  kind: DatasetKind;
  paths: string[];
  options: Record<string, string>;
}

/** Options after the last '?' when it looks like key=value pairs (a '?' inside a file name stays). */
const OPTIONS_RE = /^[\w-]+=[^&]*(&[\w-]+=[^&]*)*$/;

/** A spec's kind, path and options as written, without judging them. */
export function splitDataSpec(spec: string): DataSpecParts {
  const text = spec.trim();
  const colon = text.indexOf(':');
  if (colon < 0) {
    const q = text.indexOf('?');
    const kind = (q < 0 ? text : text.slice(0, q)).toLowerCase();
    return { kind, path: '', options: q < 0 ? {} : optionsOf(text.slice(q + 1)) };
  }
  let path = text.slice(colon + 1);
  const q = path.lastIndexOf('?');
  let options: Record<string, string> = {};
  if (q >= 0 && OPTIONS_RE.test(path.slice(q + 1))) {
    options = optionsOf(path.slice(q + 1));
    path = path.slice(0, q);
  }
  return { kind: text.slice(0, colon).toLowerCase(), path, options };
}

function optionsOf(query: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!OPTIONS_RE.test(query)) return out;
  for (const pair of query.split('&')) {
    const i = pair.indexOf('=');
    out[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return out;
}

export function joinDataSpec(p: DataSpecParts): string {
  const q = Object.entries(p.options)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const head = DATASET_PATH_KINDS.includes(p.kind as DatasetKind) ? `${p.kind}:${p.path}` : p.kind;
  return q ? `${head}?${q}` : head;
}

/** An option value as a URL query decodes it (`%20`, `+`), so `label=my+col` names "my col". */
const decodeOption = (v: string): string => new URLSearchParams(`v=${v}`).get('v') ?? '';

/** The checked spec; a UserError says how to write it when the kind is unknown or a path is missing. */
export function parseDataSpec(spec: string): DataSpec {
  const parts = splitDataSpec(spec);
  const kind = parts.kind as DatasetKind;
  const options = Object.fromEntries(Object.entries(parts.options).map(([k, v]) => [k, decodeOption(v)]));
  const hasColon = spec.trim().includes(':');
  if (DATASET_BUILTIN_KINDS.includes(kind) && !hasColon) return { kind, paths: [], options };
  if (DATASET_PATH_KINDS.includes(kind)) {
    const rest = parts.path;
    if (!rest) throw new UserError(`The data spec "${spec}" has no path.`, `Write it as ${kind}:PATH.`, 'bad-data-spec');
    const paths = kind === 'npy' ? rest.split(',').map((p) => p.trim()) : [rest];
    if (kind === 'npy' && paths.length !== 2 && paths.length !== 3) {
      throw new UserError(`The data spec "${spec}" needs two files (or three with sample weights).`, 'Write it as npy:X.npy,Y.npy or npy:X.npy,Y.npy,W.npy.', 'bad-data-spec');
    }
    return { kind, paths, options };
  }
  throw new UserError(
    `Unknown dataset "${spec}".`,
    'Use xor, linear, mnist, fashion-mnist, genesis, csv:PATH, npz:PATH, npy:X.npy,Y.npy, images:DIR or text:PATH.',
    'bad-data-spec',
  );
}
