/**
 * Fits a dataset to a model: checks shapes before training starts (one clear UserError instead of a tfjs stack
 * trace mid-epoch) and turns packed batches into tensors of the model's input shapes and each loss's target
 * form (./targets.ts). A model with several inputs or outputs reads a source that says which part of each
 * packed row is which layer's array (./multiAdapter.ts).
 */
import { UserError, type Shape } from '../../../core/types';
import type { DataBatch, DataSource } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import { lossId } from './losses';
import { adaptMulti } from './multiAdapter';
import type { ObjectiveOptions } from './objective';
import { inputShapeFor, ioNames, targetFor, targetTensor, type TargetForm } from './targets';

export { reshapeCompatible } from './targets';

export interface DataAdapter {
  /** The model input shape used for x (batch dimension excluded); the first input's with several. */
  xShape: number[];
  xDType: 'float32' | 'int32';
  /** Target form for the loss; the first output's with several. */
  target: TargetForm;
  /** Inputs (one tensor, or one per model input in order) and one target per model output, in order. */
  toTensors(tf: Tf, b: DataBatch): { xs: Tensor | Tensor[]; ys: Tensor[] };
}

/** The losses an adapter shapes targets for: the top-level loss, or each output's (`outputs`). */
export type AdapterLosses = Pick<ObjectiveOptions, 'loss' | 'lossOptions' | 'metrics' | 'outputs'>;

/** One input, one output: their shapes (the trainers, benchmarks and the CLI's predict need them). */
export function modelIOShapes(model: LayersModel): { input: Shape; output: Shape; inputDType: string } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UserError(
      `This model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; this needs a model with one of each.`,
      'Only training takes models with several inputs or outputs (model-studio train, or Train in the editor).',
      'multi-io',
    );
  }
  return { input: model.inputs[0].shape.slice(1), output: model.outputs[0].shape.slice(1), inputDType: model.inputs[0].dtype };
}

export function adaptData(model: LayersModel, source: DataSource, losses: AdapterLosses): DataAdapter {
  if (model.inputs.length > 1 || model.outputs.length > 1 || source.io) return adaptMulti(model, source, losses);
  const { input, output, inputDType } = modelIOShapes(model);
  const where = source.description;
  const xShape = inputShapeFor(where, source.xShape, input);
  const loss = lossId(losses.outputs?.[ioNames(model).outputs[0]]?.loss ?? losses.loss);
  const target = targetFor(where, source.labels, output, loss);
  const xDType = inputDType === 'int32' ? 'int32' : 'float32';
  return {
    xShape,
    xDType,
    target,
    toTensors(tf, b) {
      return { xs: tf.tensor(b.x, [b.size, ...xShape], xDType), ys: [targetTensor(tf, target, b.y, b.size)] };
    },
  };
}
