/**
 * CSV datasets: delimiter and header detection, a label column by name or index (default: the last column),
 * numeric feature columns standardised (z-score, statistics kept for prediction), text feature columns one-hot
 * encoded, text labels turned into classes (one-hot or sparse, as the loss wants).
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { UserError } from '../../core/types';
import { arraySource, type DataSource } from './source';

export interface CsvOptions {
  /** Column name or 0-based index (negative counts from the end). Default: the last column. */
  label?: string | number;
  /** Force header detection on or off. */
  header?: boolean;
  /** Standardise numeric features (default true). */
  normalize?: boolean;
  /** Keras' sample_weight: a numeric column (name or index, as `label`) that is neither feature nor label. */
  weight?: string | number;
}

export interface CsvColumnInfo {
  name: string;
  kind: 'numeric' | 'categorical';
  /** For numeric columns: the standardisation used. */
  mean?: number;
  std?: number;
  /** For categorical columns: the categories in one-hot order. */
  categories?: string[];
}

export interface CsvDataset {
  source: DataSource;
  features: CsvColumnInfo[];
  label: CsvColumnInfo;
  header: string[];
}

/** Split CSV text into rows of fields (RFC 4180 quoting: "a,b" and "" escapes). */
export function parseCsvRows(text: string, delimiter?: string): string[][] {
  const d = delimiter ?? detectDelimiter(text);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === d) {
      row.push(field);
      field = '';
      if (row.length > MAX_COLUMNS) {
        throw new UserError(`The CSV file has a row with more than ${MAX_COLUMNS.toLocaleString('en-US')} columns.`, 'A CSV dataset has one sample per line; check the delimiter and the line endings.', 'csv-too-wide');
      }
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      field = '';
      if (row.length > 1 || row[0].trim() !== '') rows.push(row);
      row = [];
    } else field += c;
  }
  row.push(field);
  if (row.length > 1 || row[0].trim() !== '') rows.push(row);
  return rows;
}

function detectDelimiter(text: string): string {
  const first = text.split(/\r?\n/, 1)[0] ?? '';
  const counts = [',', ';', '\t'].map((d) => [d, first.split(d).length - 1] as const);
  counts.sort((a, b) => b[1] - a[1]);
  return counts[0][1] > 0 ? counts[0][0] : ',';
}

/** More columns than any tabular dataset has: a file with no line breaks, or not a CSV at all. */
const MAX_COLUMNS = 100_000;

/** Whether a CSV cell is a finite number. */
export const isNumber = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/** A header is a first row with a non-numeric cell where the rows below are numeric in that column. */
export function detectHeader(rows: string[][]): boolean {
  if (rows.length < 2) return rows.length === 1 && rows[0].some((c) => !isNumber(c));
  const [first, ...rest] = rows;
  const sample = rest.slice(0, 50);
  return first.some((cell, j) => !isNumber(cell) && sample.every((r) => isNumber(r[j] ?? '')))
    // All-text files: a header if the first row's cells never appear again in their column.
    || (first.every((c) => !isNumber(c)) && first.every((c, j) => sample.every((r) => r[j] !== c)));
}

export function loadCsv(path: string, opts: CsvOptions = {}): CsvDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`File not found: ${path}`, 'Check the path in the data spec.', 'missing-file');
  }
  return parseCsv(text, basename(path), opts);
}

/** A CSV file's header (named `column_<i>` when it has none) and data rows, every row as wide as the first. */
export function csvTable(text: string, name: string, forceHeader?: boolean): { header: string[]; data: string[][]; hasHeader: boolean } {
  const rows = parseCsvRows(text.replace(/^\uFEFF/, ''));
  if (rows.length === 0) throw new UserError(`${name} is empty.`, undefined, 'csv-empty');
  const hasHeader = forceHeader ?? detectHeader(rows);
  const width = rows[0].length;
  const header = hasHeader ? rows[0].map((h) => h.trim()) : [...Array(width).keys()].map((i) => `column_${i}`);
  const data = hasHeader ? rows.slice(1) : rows;
  if (data.length === 0) throw new UserError(`${name} has a header but no data rows.`, undefined, 'csv-empty');
  const bad = data.findIndex((r) => r.length !== width);
  if (bad >= 0) {
    throw new UserError(
      `${name}: row ${bad + (hasHeader ? 2 : 1)} has ${data[bad].length} fields, the first row has ${width}.`,
      'Every row needs the same number of columns.',
      'csv-ragged',
    );
  }
  return { header, data, hasHeader };
}

export function parseCsv(text: string, name: string, opts: CsvOptions = {}): CsvDataset {
  const { header, data, hasHeader } = csvTable(text, name, opts.header);
  const labelIndex = resolveLabel(opts.label, header, hasHeader, name);
  const weightIndex = opts.weight === undefined ? undefined : resolveLabel(opts.weight, header, hasHeader, name, 'weight');
  if (weightIndex === labelIndex) throw new UserError(`${name}: column "${header[labelIndex]}" cannot be both the label and the sample weight.`, 'Name the label column with ?label=COL and the weight column with ?weight=COL (the label defaults to the last column).', 'bad-sample-weight');
  const columns = header.map((h, j) => {
    const values = data.map((r) => r[j].trim());
    const numeric = values.every((v) => isNumber(v));
    return { name: h, values, numeric };
  });

  // Features.
  const features: CsvColumnInfo[] = [];
  const encoders: ((row: number, out: Float32Array, at: number) => number)[] = [];
  columns.forEach((c, j) => {
    if (j === labelIndex || j === weightIndex) return;
    if (c.numeric) {
      const nums = c.values.map(Number);
      const mean = nums.reduce((a, b) => a + b, 0) / nums.length;
      const std = Math.sqrt(nums.reduce((a, b) => a + (b - mean) ** 2, 0) / nums.length) || 1;
      const normalize = opts.normalize !== false;
      features.push({ name: c.name, kind: 'numeric', ...(normalize ? { mean, std } : {}) });
      encoders.push((r, out, at) => {
        out[at] = normalize ? (nums[r] - mean) / std : nums[r];
        return 1;
      });
    } else {
      const categories = [...new Set(c.values)].sort();
      const index = new Map(categories.map((v, k) => [v, k]));
      features.push({ name: c.name, kind: 'categorical', categories });
      encoders.push((r, out, at) => {
        out[at + (index.get(c.values[r]) as number)] = 1;
        return categories.length;
      });
    }
  });
  const featureWidth = features.reduce((a, f) => a + (f.kind === 'numeric' ? 1 : (f.categories as string[]).length), 0);
  if (featureWidth === 0) throw new UserError(`${name} has no feature columns besides the label.`, undefined, 'csv-no-features');
  const x = new Float32Array(data.length * featureWidth);
  for (let r = 0; r < data.length; r++) {
    let at = r * featureWidth;
    for (const enc of encoders) at += enc(r, x, at);
  }

  // Label: text labels are classes; numbers are values (the trainer reads integer values as classes when the
  // loss is a classification loss).
  const lc = columns[labelIndex];
  checkLabelColumn(lc, name, hasHeader);
  const weights = weightIndex === undefined ? undefined : weightColumn(columns[weightIndex], name, hasHeader);
  let label: CsvColumnInfo;
  let source: DataSource;
  if (lc.numeric) {
    label = { name: lc.name, kind: 'numeric' };
    source = arraySource(name, x, [featureWidth], Float32Array.from(lc.values.map(Number)), { kind: 'values', shape: [1] }, weights);
  } else {
    const categories = [...new Set(lc.values)].sort();
    const index = new Map(categories.map((v, k) => [v, k]));
    label = { name: lc.name, kind: 'categorical', categories };
    const y = Int32Array.from(lc.values, (v) => index.get(v) as number);
    source = arraySource(name, x, [featureWidth], y, { kind: 'class', numClasses: categories.length, classNames: categories }, weights);
  }
  return { source, features, label, header };
}

/** The sample-weight column as numbers (source.ts checks they are finite and non-negative). */
function weightColumn(c: { name: string; values: string[] }, name: string, hasHeader: boolean): Float32Array {
  const bad = c.values.findIndex((v) => !isNumber(v));
  if (bad >= 0) {
    throw new UserError(
      `${name}: row ${bad + (hasHeader ? 2 : 1)} has the sample weight ${JSON.stringify(c.values[bad].slice(0, 40))} in column "${c.name}", which is not a number.`,
      'Every row needs a finite, non-negative weight (0 leaves the row out of the loss).',
      'bad-sample-weight',
    );
  }
  return Float32Array.from(c.values, Number);
}

/** Labels no model can learn from: empty cells, a few words among numbers, a single class. */
function checkLabelColumn(lc: { name: string; values: string[]; numeric: boolean }, name: string, hasHeader: boolean): void {
  const row = (r: number) => r + (hasHeader ? 2 : 1);
  const empty = lc.values.findIndex((v) => v === '');
  if (empty >= 0) {
    throw new UserError(`${name}: row ${row(empty)} has no label (column "${lc.name}" is empty there).`, 'Every row needs a label; remove the row or fill it in.', 'csv-bad-label');
  }
  if (!lc.numeric) {
    const numbers = lc.values.filter((v) => isNumber(v)).length;
    if (numbers >= lc.values.length / 2) {
      const r = lc.values.findIndex((v) => !isNumber(v));
      throw new UserError(
        `${name}: row ${row(r)} has the label ${JSON.stringify(lc.values[r]!.slice(0, 40))}, which is not a number, while most labels in column "${lc.name}" are numbers.`,
        'Fix or remove the rows whose label is not a number (NaN and inf are not labels).',
        'csv-bad-label',
      );
    }
    if (new Set(lc.values).size < 2) {
      throw new UserError(`${name}: every row has the same label ${JSON.stringify(lc.values[0]!.slice(0, 40))}; there is nothing to learn.`, 'Check the label column (?label=NAME or an index).', 'csv-bad-label');
    }
  }
}

/**
 * A column given by name (exact, else case-insensitive) or by 0-based index (negative counts from the end; a
 * number that is also a header name is the name): its index, or why there is none.
 */
export function columnIndex(column: string | number, header: readonly string[]): number | 'no-index' | 'no-name' {
  const asIndex = typeof column === 'number' ? column : /^-?\d+$/.test(column) && !header.includes(column) ? Number(column) : undefined;
  if (asIndex !== undefined) {
    const i = asIndex < 0 ? header.length + asIndex : asIndex;
    return i < 0 || i >= header.length ? 'no-index' : i;
  }
  const wanted = String(column);
  const exact = header.indexOf(wanted);
  const i = exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === wanted.toLowerCase());
  return i < 0 ? 'no-name' : i;
}

/** Whether a CSV cell is a finite number. */
export function resolveLabel(label: string | number | undefined, header: string[], hasHeader: boolean, name: string, what = 'label'): number {
  if (label === undefined) return header.length - 1;
  const i = columnIndex(label, header);
  if (i === 'no-index') throw new UserError(`${name} has no column ${label} (it has ${header.length} columns).`, 'Column indices start at 0.', 'csv-label-missing');
  if (i === 'no-name') {
    throw new UserError(
      `${name} has no ${what} column "${label}".`,
      hasHeader ? `Its columns are: ${header.join(', ')}.` : `The file has no header row; give the ${what} column by index, e.g. ?${what}=4.`,
      'csv-label-missing',
    );
  }
  return i;
}
