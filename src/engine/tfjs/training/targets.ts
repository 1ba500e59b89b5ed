/**
 * The target form a loss wants from a dataset's labels (class indices for sparse losses, one-hot for
 * categorical, 0/1 floats or values otherwise), the checks of the target's shape against the model's output,
 * and the tensor made from a packed batch of targets. One output's rule: a model with several outputs applies
 * it to each (./multiAdapter.ts).
 */
import { UserError } from '../../../core/types';
import { elementCount, type Labels } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import type { LossId } from './losses';

export type TargetForm = { kind: 'sparse' } | { kind: 'onehot'; classes: number } | { kind: 'values'; shape: number[] };

const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1);
export const fmtShape = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

/** Same data, different shape: equal after dropping 1-sized axes, or one side flat with the same element count. */
export function reshapeCompatible(data: readonly number[], model: readonly number[]): boolean {
  const a = squeeze(data);
  const b = squeeze(model);
  if (a.length === b.length && a.every((d, i) => d === b[i])) return true;
  return (data.length === 1 || model.length === 1) && elementCount(data) === elementCount(model);
}

/** `output` is the model output's shape (batch excluded); `where` names the data (and the output) in messages. */
export function targetFor(where: string, labels: Labels, output: readonly (number | null)[], loss: LossId): TargetForm {
  const units = output[output.length - 1];
  if (loss === 'sparse_categorical_crossentropy' || loss === 'categorical_crossentropy') {
    const classes = labels.kind === 'class' ? labels.numClasses : undefined;
    if (classes !== undefined || (labels.kind === 'values' && elementCount(labels.shape) === 1)) {
      // Class indices (or integer-valued single numbers, e.g. a CSV's numeric label column).
      if (classes !== undefined && units !== null && classes > units) {
        throw new UserError(`${where} has ${classes} classes but the model's output has ${units} units.`, `Set the last layer to ${classes} units.`, 'shape-mismatch');
      }
      return loss === 'sparse_categorical_crossentropy' ? { kind: 'sparse' } : { kind: 'onehot', classes: units ?? classes ?? 1 };
    }
    const shape = (labels as { shape: number[] }).shape;
    if (!reshapeCompatible(shape, output as number[])) throw shapeError(where, 'target', shape, output);
    if (loss === 'sparse_categorical_crossentropy') {
      throw new UserError(`${where} has one-hot targets ${fmtShape(shape)}; sparse_categorical_crossentropy wants class indices.`, 'Use categorical_crossentropy for one-hot targets.', 'shape-mismatch');
    }
    return { kind: 'values', shape: output as number[] };
  }
  if (labels.kind === 'class') {
    if (units === 1 && labels.numClasses <= 2) return { kind: 'values', shape: [1] };
    if (units === labels.numClasses) return { kind: 'onehot', classes: units };
    throw new UserError(
      `${where} has ${labels.numClasses} classes but the model's output is ${fmtShape(output)}.`,
      labels.numClasses <= 2 ? 'Use one sigmoid output unit.' : `Use ${labels.numClasses} output units (or a sparse_categorical_crossentropy loss).`,
      'shape-mismatch',
    );
  }
  if (output.some((d) => d === null)) return { kind: 'values', shape: labels.shape };
  if (!reshapeCompatible(labels.shape, output as number[])) throw shapeError(where, 'target', labels.shape, output);
  return { kind: 'values', shape: output as number[] };
}

/** The target tensor of `size` samples packed in `y` (class indices, or values). */
export function targetTensor(tf: Tf, target: TargetForm, y: Float32Array | Int32Array, size: number): Tensor {
  if (target.kind === 'sparse') return tf.tensor1d(y instanceof Int32Array ? y : Int32Array.from(y), 'int32');
  if (target.kind === 'onehot') {
    const labels = y instanceof Int32Array ? y : Int32Array.from(y);
    const oh = new Float32Array(size * target.classes);
    labels.forEach((c, i) => {
      if (c >= 0 && c < target.classes) oh[i * target.classes + c] = 1;
    });
    return tf.tensor(oh, [size, target.classes], 'float32');
  }
  return tf.tensor(y instanceof Float32Array ? y : Float32Array.from(y), [size, ...target.shape], 'float32');
}

export function shapeError(where: string, what: 'input' | 'target', data: readonly number[], model: readonly (number | null)[]): UserError {
  return new UserError(
    `${where}: each sample's ${what} has shape ${fmtShape(data)} but the model's ${what === 'input' ? 'input' : 'output'} is ${fmtShape(model)}.`,
    what === 'input'
      ? `Change the Input layer's shape to ${fmtShape(data)}, or pick a dataset that fits.`
      : `Change the last layer so its output is ${fmtShape(data)}, or pick a dataset that fits.`,
    'shape-mismatch',
  );
}

/** The shape x is fed in: fixed model dims must fit the data's; unknown (None) dims take the data's. */
export function inputShapeFor(where: string, data: readonly number[], input: readonly (number | null)[]): number[] {
  if (input.some((d) => d === null)) {
    if (input.length !== data.length || input.some((d, i) => d !== null && d !== data[i])) throw shapeError(where, 'input', data, input);
    return [...data];
  }
  if (!reshapeCompatible(data, input as number[])) throw shapeError(where, 'input', data, input);
  return input as number[];
}

/** A model's input and output layer names, in order (a tf.Sequential leaves `inputNames`/`outputNames` empty). */
export function ioNames(model: LayersModel): { inputs: string[]; outputs: string[] } {
  return { inputs: model.inputs.map((t) => t.sourceLayer.name), outputs: model.outputs.map((t) => t.sourceLayer.name) };
}
