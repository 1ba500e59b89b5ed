/**
 * The data adapter of a model with several inputs or outputs (Keras' fit with dicts keyed by layer name): the
 * source's packed rows split into one tensor per model input and one target per model output, each checked
 * against its layer as a single-input model's data is (./targets.ts).
 */
import { outputHeads } from '../../../core/training';
import { UserError } from '../../../core/types';
import { needsArraysError, partColumns, partsLayout } from '../../datasets/multiArray';
import type { DataBatch, DataSource, IOPart } from '../../datasets/source';
import type { LayersModel, Tensor, Tf } from '../tf';
import type { AdapterLosses, DataAdapter } from './adapter';
import { lossId } from './losses';
import { inputShapeFor, ioNames, targetFor, targetTensor, type TargetForm } from './targets';

function namesMatch(parts: readonly IOPart[], names: readonly string[], what: string, where: string): void {
  const got = parts.map((p) => p.layer);
  if (got.length !== names.length || got.some((n, i) => n !== names[i])) {
    throw new UserError(`${where} holds data for the ${what} ${got.join(', ') || '(none)'} but the model's ${what} are ${names.join(', ')}.`, 'Load the data for this model (the data map names each layer\'s array).', 'multi-io');
  }
}

export function adaptMulti(model: LayersModel, source: DataSource, losses: AdapterLosses): DataAdapter {
  const where = source.description;
  const io = source.io;
  const names = ioNames(model);
  if (!io) throw needsArraysError(where, names);
  namesMatch(io.inputs, names.inputs, 'inputs', where);
  namesMatch(io.outputs, names.outputs, 'outputs', where);
  const heads = outputHeads(losses, names.outputs);
  const inputs = io.inputs.map((p, i) => ({
    shape: inputShapeFor(`${where}, array "${p.array}" for input ${p.layer}`, p.shape, model.inputs[i].shape.slice(1)),
    dtype: model.inputs[i].dtype === 'int32' ? ('int32' as const) : ('float32' as const),
  }));
  const targets: TargetForm[] = io.outputs.map((p, j) =>
    targetFor(`${where}, array "${p.array}" for output ${p.layer}`, p.labels ?? { kind: 'values', shape: p.shape }, model.outputs[j].shape.slice(1), lossId(heads[j].loss)),
  );
  const xl = partsLayout(io.inputs);
  const yl = partsLayout(io.outputs);
  return {
    xShape: inputs[0].shape,
    xDType: inputs[0].dtype,
    target: targets[0],
    toTensors(tf: Tf, b: DataBatch) {
      const xs: Tensor[] = inputs.map((inp, i) => tf.tensor(partColumns(b.x, xl, i, b.size), [b.size, ...inp.shape], inp.dtype));
      const ys = targets.map((t, j) => targetTensor(tf, t, partColumns(b.y, yl, j, b.size), b.size));
      return { xs, ys };
    },
  };
}
