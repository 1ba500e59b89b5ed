/**
 * Fits a dataset to a model: checks shapes before training starts (one clear UserError instead of a tfjs stack
 * trace mid-epoch) and turns packed batches into tensors of the model's input shape and the loss's target form
 * (class indices for sparse losses, one-hot for categorical, 0/1 floats for binary).
 */
import { UserError, type Shape } from '../../../core/types';
import { elementCount, type DataBatch, type DataSource } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import type { LossId } from './losses';

export interface DataAdapter {
  /** The model input shape used for x (batch dimension excluded). */
  xShape: number[];
  xDType: 'float32' | 'int32';
  /** Target form for the loss. */
  target: { kind: 'sparse' } | { kind: 'onehot'; classes: number } | { kind: 'values'; shape: number[] };
  toTensors(tf: Tf, b: DataBatch): { xs: Tensor; ys: Tensor };
}

const squeeze = (s: readonly number[]) => s.filter((d) => d !== 1);
const fmt = (s: readonly (number | null)[]) => `[${s.map((d) => (d === null ? 'None' : d)).join(', ')}]`;

/** Same data, different shape: equal after dropping 1-sized axes, or one side flat with the same element count. */
export function reshapeCompatible(data: readonly number[], model: readonly number[]): boolean {
  const a = squeeze(data);
  const b = squeeze(model);
  if (a.length === b.length && a.every((d, i) => d === b[i])) return true;
  return (data.length === 1 || model.length === 1) && elementCount(data) === elementCount(model);
}

export function modelIOShapes(model: LayersModel): { input: Shape; output: Shape; inputDType: string } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UserError(
      `This model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; training from one dataset needs one of each.`,
      undefined,
      'multi-io',
    );
  }
  return { input: model.inputs[0].shape.slice(1), output: model.outputs[0].shape.slice(1), inputDType: model.inputs[0].dtype };
}

export function adaptData(model: LayersModel, source: DataSource, loss: LossId): DataAdapter {
  const { input, output, inputDType } = modelIOShapes(model);
  const where = source.description;
  // Inputs: fixed model dims must fit; unknown (None) dims take the data's.
  let xShape: number[];
  if (input.some((d) => d === null)) {
    if (input.length !== source.xShape.length || input.some((d, i) => d !== null && d !== source.xShape[i])) {
      throw shapeError(where, 'input', source.xShape, input);
    }
    xShape = [...source.xShape];
  } else {
    if (!reshapeCompatible(source.xShape, input as number[])) throw shapeError(where, 'input', source.xShape, input);
    xShape = input as number[];
  }
  const units = output[output.length - 1];
  const labels = source.labels;
  let target: DataAdapter['target'];
  if (loss === 'sparse_categorical_crossentropy' || loss === 'categorical_crossentropy') {
    const classes = labels.kind === 'class' ? labels.numClasses : undefined;
    if (classes !== undefined || (labels.kind === 'values' && elementCount(labels.shape) === 1)) {
      // Class indices (or integer-valued single numbers, e.g. a CSV's numeric label column).
      if (classes !== undefined && units !== null && classes > units) {
        throw new UserError(
          `${where} has ${classes} classes but the model's output has ${units} units.`,
          `Set the last layer to ${classes} units.`,
          'shape-mismatch',
        );
      }
      target = loss === 'sparse_categorical_crossentropy' ? { kind: 'sparse' } : { kind: 'onehot', classes: units ?? classes ?? 1 };
    } else {
      const shape = (labels as { shape: number[] }).shape;
      if (!reshapeCompatible(shape, output as number[])) throw shapeError(where, 'target', shape, output);
      if (loss === 'sparse_categorical_crossentropy') {
        throw new UserError(
          `${where} has one-hot targets ${fmt(shape)}; sparse_categorical_crossentropy wants class indices.`,
          'Use categorical_crossentropy for one-hot targets.',
          'shape-mismatch',
        );
      }
      target = { kind: 'values', shape: output as number[] };
    }
  } else if (labels.kind === 'class') {
    if (units === 1 && labels.numClasses <= 2) target = { kind: 'values', shape: [1] };
    else if (units === labels.numClasses) target = { kind: 'onehot', classes: units };
    else {
      throw new UserError(
        `${where} has ${labels.numClasses} classes but the model's output is ${fmt(output)}.`,
        labels.numClasses <= 2 ? 'Use one sigmoid output unit.' : `Use ${labels.numClasses} output units (or a sparse_categorical_crossentropy loss).`,
        'shape-mismatch',
      );
    }
  } else {
    if (output.some((d) => d === null)) target = { kind: 'values', shape: labels.shape };
    else {
      if (!reshapeCompatible(labels.shape, output as number[])) throw shapeError(where, 'target', labels.shape, output);
      target = { kind: 'values', shape: output as number[] };
    }
  }
  const xDType = inputDType === 'int32' ? 'int32' : 'float32';
  return {
    xShape,
    xDType,
    target,
    toTensors(tf, b) {
      const xs = tf.tensor(b.x, [b.size, ...xShape], xDType);
      let ys: Tensor;
      if (target.kind === 'sparse') ys = tf.tensor1d(b.y instanceof Int32Array ? b.y : Int32Array.from(b.y), 'int32');
      else if (target.kind === 'onehot') {
        const labels = b.y instanceof Int32Array ? b.y : Int32Array.from(b.y);
        const oh = new Float32Array(b.size * target.classes);
        labels.forEach((c, i) => {
          if (c >= 0 && c < target.classes) oh[i * target.classes + c] = 1;
        });
        ys = tf.tensor(oh, [b.size, target.classes], 'float32');
      } else ys = tf.tensor(b.y instanceof Float32Array ? b.y : Float32Array.from(b.y), [b.size, ...target.shape], 'float32');
      return { xs, ys };
    },
  };
}

function shapeError(where: string, what: 'input' | 'target', data: readonly number[], model: readonly (number | null)[]): UserError {
  return new UserError(
    `${where}: each sample's ${what} has shape ${fmt(data)} but the model's ${what === 'input' ? 'input' : 'output'} is ${fmt(model)}.`,
    what === 'input'
      ? `Change the Input layer's shape to ${fmt(data)}, or pick a dataset that fits.`
      : `Change the last layer so its output is ${fmt(data)}, or pick a dataset that fits.`,
    'shape-mismatch',
  );
}
