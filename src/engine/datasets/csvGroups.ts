/**
 * A CSV file for a model with several inputs and outputs: the data map gives each layer a group of columns,
 * `"col1+col2+..."` (names or 0-based indices joined by `+`), and the layer gets those columns as a float32 array
 * of shape (rows, group size), as an npz would give it (Keras' fit with dicts of arrays). The arrays go through
 * the same multi-array source as an npz's (./multiArray.ts), so splitting and batching have one home. Values are
 * used as they are (no standardisation, unlike a CSV's x/y features): the same numbers as the npz would hold.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { arrayFor, SAMPLE_WEIGHT } from '../../core/training';
import { UserError } from '../../core/types';
import { columnIndex, csvTable, isNumber } from './csv';
import { multiArraySource, type ModelLayers } from './multiArray';
import type { NpyArray } from './npy';
import type { DataSource } from './source';

/** What separates the columns of one group in a data-map entry. */
export const COLUMN_GROUP_SEPARATOR = '+';

/**
 * A CSV feeds a several-input/output model from column groups unless every layer is mapped to the CSV's whole
 * `x` (its features) or `y` (its label), the older way (multiArray.ts `namedArraysSource`).
 */
export function usesColumnGroups(layers: ModelLayers): boolean {
  return [...layers.inputs, ...layers.outputs].some((l) => !['x', 'y'].includes(arrayFor(layers, l)));
}

export interface CsvGroupOptions {
  header?: boolean;
  /** Keras' sample_weight: a numeric column (name or index). */
  weight?: string;
}

export function loadCsvGroups(path: string, layers: ModelLayers, opts: CsvGroupOptions = {}): DataSource {
  const name = basename(path);
  return multiArraySource(name, csvColumnArrays(readFileSync(path, 'utf8'), name, layers, opts), layers);
}

/** One array per distinct data-map group (keyed by the group, as an npz's arrays by name), and the sample weights. */
export function csvColumnArrays(text: string, name: string, layers: ModelLayers, opts: CsvGroupOptions = {}): Map<string, NpyArray> {
  const { header, data, hasHeader } = csvTable(text, name, opts.header);
  const columnsOf = (group: string, what: string): NpyArray => {
    const cols = group.split(COLUMN_GROUP_SEPARATOR).map((c) => {
      const i = columnIndex(c.trim(), header);
      if (typeof i === 'number') return i;
      throw new UserError(
        `${name} has no column "${c.trim()}" (in the data map's group "${group}" for ${what}).`,
        `${hasHeader ? `Its columns are: ${header.join(', ')}` : `It has no header row: give columns by 0-based index (0 to ${header.length - 1})`}; join a group's columns with ${COLUMN_GROUP_SEPARATOR}, e.g. "${header.slice(0, 2).join(COLUMN_GROUP_SEPARATOR)}".`,
        'csv-column-missing',
      );
    });
    const values = new Float32Array(data.length * cols.length);
    data.forEach((row, r) => cols.forEach((j, k) => {
      const cell = row[j].trim();
      if (!isNumber(cell)) {
        throw new UserError(
          `${name}: row ${r + (hasHeader ? 2 : 1)} has ${JSON.stringify(cell.slice(0, 40))} in column "${header[j]}" (for ${what}), which is not a number.`,
          'Column groups take numbers only; fill in or remove the row, or encode text columns as numbers first.',
          'csv-not-numeric',
        );
      }
      values[r * cols.length + k] = Number(cell);
    }));
    return { dtype: '<f4', shape: [data.length, cols.length], data: values };
  };
  const arrays = new Map<string, NpyArray>();
  const roles = [...layers.inputs.map((l) => [l, 'input'] as const), ...layers.outputs.map((l) => [l, 'output'] as const)];
  for (const [layer, role] of roles) {
    // A layer the data map leaves out takes the column of its own name, as it takes the npz array of its name.
    const group = layers.dataMap?.[layer] ?? (hasHeader && header.includes(layer) ? layer : undefined);
    if (group === undefined) {
      throw new UserError(
        `The data map gives no columns of ${name} to the model ${role} ${layer}, and ${name} has no column named ${layer}.`,
        `Map every input and output to its columns, joined by ${COLUMN_GROUP_SEPARATOR} (names or 0-based indices), e.g. ${layer}: "${header.slice(0, 2).join(COLUMN_GROUP_SEPARATOR)}", or name a column after the layer; the columns are: ${header.join(', ')}.`,
        'csv-no-group',
      );
    }
    if (!arrays.has(group)) arrays.set(group, columnsOf(group, `the model ${role} ${layer}`));
  }
  if (opts.weight !== undefined) {
    const w = columnsOf(opts.weight, 'the sample weights');
    arrays.set(SAMPLE_WEIGHT.npzKeys.train, { ...w, shape: [data.length] });
  }
  return arrays;
}
