/**
 * Labels checked against the model before training, the same way for every loader: a label the model cannot
 * output (class 955 of a 10-unit softmax, class -1, class 2.5) or a label that is not a number (NaN) would
 * train to a meaningless loss and then overwrite the model's weights. Loaders that keep their labels in
 * memory or can read them cheaply expose them through `DataSource.readLabels`.
 */
import { analyze } from '../../core/analysis';
import { UserError, type ModelGraph } from '../../core/types';
import { labelWidth, type DataSource } from './source';

const CLASS_LOSSES = new Set(['sparse_categorical_crossentropy', 'categorical_crossentropy']);

/** The last dimension of the model's only output, or undefined (several outputs, unknown size). */
export function outputUnits(graph: ModelGraph): number | undefined {
  if (graph.outputs.length !== 1) return undefined;
  const shape = analyze(graph).layers.get(graph.outputs[0]!)?.outputShape;
  const last = shape?.[shape.length - 1];
  return typeof last === 'number' ? last : undefined;
}

function bad(source: DataSource, i: number, value: number, why: string, hint: string): UserError {
  return new UserError(`${source.description}: the label of sample ${i + 1} is ${value}, ${why}.`, hint, 'bad-label');
}

/** Throws a UserError naming the first label `graph` trained with `loss` cannot learn from. */
export async function checkLabels(source: DataSource, graph: ModelGraph, loss: string): Promise<void> {
  if (!source.readLabels) return;
  const y = await source.readLabels();
  const units = outputUnits(graph);
  const width = labelWidth(source.labels);
  const classes = CLASS_LOSSES.has(loss) && width === 1;
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (!Number.isFinite(v)) throw bad(source, Math.floor(i / width), v, 'not a number', 'every label must be a number; remove or fix the rows with missing or non-numeric labels');
    if (!classes) continue;
    if (!Number.isInteger(v) || v < 0) {
      throw bad(source, i, v, `but ${loss} needs class indices 0, 1, 2, ...`, 'class labels are whole numbers from 0; for real-valued targets use mean_squared_error');
    }
    if (units !== undefined && units > 1 && v >= units) {
      throw bad(source, i, v, `but the model's output has ${units} units (classes 0 to ${units - 1})`, `set the last layer to at least ${Math.max(...Array.from(y)) + 1} units, or fix the labels`);
    }
  }
  if (loss === 'binary_crossentropy') {
    const i = y.findIndex((v) => v < 0 || v > 1);
    if (i >= 0) throw bad(source, i, y[i]!, 'but binary_crossentropy needs targets between 0 and 1', 'use 0/1 labels, or another loss for other values');
  }
}
