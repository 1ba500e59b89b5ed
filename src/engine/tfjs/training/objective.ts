/**
 * What Keras' `compute_loss` and `compute_metrics` do for one batch, in tfjs: the compiled loss (sample
 * weights, class weights, the mask of the prediction, reduction 'sum_over_batch_size') plus the model's
 * regularization losses, and the metrics' states. Keras' logs are the mean of the batch losses weighted by the
 * batch size (its loss tracker) and each metric's result over the epoch, so a pass keeps one state vector on
 * the device: [loss x size, size, metric states...].
 */
import { UserError } from '../../../core/types';
import type { LayersModel, Tensor, Tf } from '../tf';
import { LOSS_ARGUMENTS, lossFn, lossId, reduceLoss, type LossCall, type LossOptions } from './losses';
import { makeMetric, metricId, type Metric } from './metrics';
import { ioNames } from './targets';
import { historyKeys, outputHeads, type OutputHead, type OutputTraining } from '../../../core/training';

/** Keras' `class_weight`: class index -> weight of that class's samples in the loss. */
export type ClassWeight = Record<string, number>;

export interface ObjectiveOptions {
  loss: string;
  lossOptions?: LossOptions;
  metrics: string[];
  classWeight?: ClassWeight;
  /** Several outputs: each output's loss, metrics and loss weight, by output layer name (absent: the top-level ones). */
  outputs?: Record<string, OutputTraining>;
}

/** One batch as the objective sees it: one target per output, optional per-sample weights (class weights already applied). */
export interface Targets {
  ys: Tensor[];
  sampleWeight?: Tensor;
}

/** A batch's compiled loss: the total Keras minimises, and each output's unweighted loss (several outputs only). */
export interface BatchLoss {
  total: Tensor;
  parts: Tensor[];
}

/** One output's compiled loss and its metrics. */
interface Head extends OutputHead {
  lossF: LossCall;
  metrics: string[];
  metricStates?: Metric[];
}

export class Objective {
  /** The epoch-log keys, as Keras 3 names them (core/training/outputs.ts historyKeys). */
  readonly names: string[];
  private readonly heads: Head[];
  private readonly masked: boolean;

  constructor(
    private readonly tf: Tf,
    readonly model: LayersModel,
    private readonly opts: ObjectiveOptions,
  ) {
    // An output that `outputs` does not name takes the top-level loss and metrics, weight 1.
    this.heads = outputHeads(opts, ioNames(model).outputs).map((h) => {
      h.metrics.forEach((m) => metricId(m));
      return { ...h, lossF: lossFn(tf, lossId(h.loss), checkLossOptions(h.loss, h.lossOptions)) };
    });
    this.names = historyKeys(this.heads);
    this.masked = producesMask(model);
    if (this.masked && this.heads.length > 1) {
      throw new UserError('The loss of a model with several outputs cannot skip masked timesteps on the TensorFlow.js engines.', 'Train it with the keras engine, or remove mask_zero / Masking.', 'tfjs-departure');
    }
    if (opts.classWeight && this.heads.length > 1) {
      // keras/src/trainers/data_adapters/data_adapter_utils.py class_weight_to_sample_weights' caller refuses it too.
      throw new UserError('class_weight is only supported for models with a single output (as in Keras).', 'Remove class_weight, or give per-sample weights in the data (npz sample_weight).', 'bad-class-weight');
    }
  }

  /** The metric states of an output, made on its first batch (they depend on the target and prediction shapes). */
  private metricList(h: Head, ys: Tensor, pred: Tensor): Metric[] {
    h.metricStates ??= h.metrics.map((m) => makeMetric(this.tf, m, { yTrue: ys.shape, yPred: pred.shape }));
    return h.metricStates;
  }

  /** The mask Keras would attach to the model's output (Embedding mask_zero, Masking), or null. */
  outputMask(xs: Tensor | Tensor[]): Tensor | null {
    if (!this.masked || Array.isArray(xs)) return null;
    try {
      const kept = this.tf.tidy(() => {
        const m = propagateMask(this.model, xs);
        return m ? [m] : [];
      });
      return kept[0] ?? null;
    } catch (e) {
      throw new UserError(
        `TensorFlow.js could not compute the mask of the model's output (${e instanceof Error ? e.message : String(e)}), so the loss cannot skip masked timesteps as Keras does.`,
        'Train it with the keras engine, or remove mask_zero / Masking.',
        'tfjs-departure',
      );
    }
  }

  /**
   * The training loss of a batch (Keras' compute_loss): the compiled loss, the sum over outputs of loss_weight x
   * that output's loss (keras/src/trainers/compile_utils.py CompileLoss.call), plus the regularization penalties.
   */
  loss(t: Targets, preds: Tensor[], mask: Tensor | null): BatchLoss {
    const { tf } = this;
    const values = this.heads.map((h, i) => reduceLoss(tf, h.lossF(t.ys[i], preds[i]), t.sampleWeight, this.heads.length === 1 ? mask : null));
    const weighted = values.map((v, i) => (this.heads[i].weight === 1 ? v : tf.mul(v, this.heads[i].weight)));
    const compiled = weighted.length === 1 ? weighted[0] : tf.addN(weighted);
    const penalties = (this.model as unknown as { calculateLosses(): Tensor[] }).calculateLosses();
    const total = penalties.length === 0 ? compiled : tf.addN([compiled, ...penalties.map((p) => tf.reshape(p, []))]);
    return { total, parts: this.heads.length > 1 ? values : [] };
  }

  /**
   * The batch's contribution to the pass state: [loss x size, size, each output's loss x size (several outputs),
   * metric states...]. Metrics get no sample weights (Keras' `metrics`, not `weighted_metrics`).
   */
  stateOf(loss: BatchLoss, t: Targets, preds: Tensor[], mask: Tensor | null): Tensor {
    const { tf } = this;
    const size = t.ys[0].shape[0] as number;
    const one = this.heads.length === 1;
    const parts = [
      tf.stack([tf.mul(loss.total, size), tf.scalar(size), ...loss.parts.map((p) => tf.mul(p, size))]),
      ...this.heads.flatMap((h, i) => this.metricList(h, t.ys[i], preds[i]).map((m) => m.update(t.ys[i], preds[i], one ? mask : null, null))),
    ];
    return tf.concat(parts);
  }

  /** Logs from a pass state under `prefix`, with Keras 3's names (core/training/outputs.ts historyKeys). */
  results(state: ArrayLike<number>, prefix = ''): Record<string, number> {
    const mean = (v: number) => (state[1] === 0 ? NaN : v / state[1]);
    const out: Record<string, number> = { [`${prefix}loss`]: mean(state[0]) };
    const one = this.heads.length === 1;
    let at = 2;
    if (!one) for (const h of this.heads) out[`${prefix}${h.name}_loss`] = mean(state[at++]);
    for (const h of this.heads) {
      for (const m of h.metricStates ?? []) {
        out[prefix + (one ? '' : `${h.name}_`) + m.name] = m.result(Array.prototype.slice.call(state, at, at + m.size) as number[]);
        at += m.size;
      }
    }
    return out;
  }

  get weightsClasses(): boolean {
    return this.opts.classWeight !== undefined;
  }

  /** Keras' class_weight_to_sample_weights for one batch of targets, as packed by the data adapter. */
  classWeights(labels: ArrayLike<number>, size: number): Tensor | undefined {
    const cw = this.opts.classWeight;
    if (!cw) return undefined;
    const per = labels.length / size;
    const w = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      let c = 0;
      if (per > 1) {
        for (let j = 1; j < per; j++) if (labels[i * per + j] > labels[i * per + c]) c = j;
      } else c = Math.round(labels[i]);
      w[i] = cw[String(c)] ?? 1;
    }
    return this.tf.tensor1d(w);
  }
}

/** Arguments a loss does not take are refused, as Keras' constructors refuse unknown keyword arguments. */
export function checkLossOptions(loss: string, opts: LossOptions | undefined): LossOptions {
  const o = opts ?? {};
  const id = lossId(loss);
  const allowed: Partial<Record<string, readonly string[]>> = { [id]: LOSS_ARGUMENTS[id] ?? [] };
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined) continue;
    if (!(allowed[id] ?? []).includes(k)) throw new UserError(`The loss ${id} takes no argument "${k}".`, `Remove it; ${id} takes ${(allowed[id] ?? []).join(', ') || 'no arguments'}.`, 'bad-loss-option');
    if (k === 'from_logits' ? typeof v !== 'boolean' : typeof v !== 'number' || !Number.isFinite(v)) {
      throw new UserError(`Loss argument ${k} must be ${k === 'from_logits' ? 'true or false' : 'a number'} (got ${JSON.stringify(v)}).`, undefined, 'bad-loss-option');
    }
    if (k === 'label_smoothing' && ((v as number) < 0 || (v as number) > 1)) throw new UserError(`label_smoothing must be between 0 and 1 (got ${v}).`, undefined, 'bad-loss-option');
  }
  return o;
}

/** Keras' class_weight: integer class keys, finite non-negative weights. */
export function checkClassWeight(cw: unknown): ClassWeight | undefined {
  if (cw === undefined || cw === null) return undefined;
  if (typeof cw !== 'object' || Array.isArray(cw)) throw new UserError('class_weight must map class indices to weights, e.g. {"0": 1, "1": 5}.', undefined, 'bad-class-weight');
  for (const [k, v] of Object.entries(cw)) {
    if (!/^\d+$/.test(k)) throw new UserError(`class_weight key "${k}" is not a class index.`, 'Use the integer class indices as keys.', 'bad-class-weight');
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new UserError(`class_weight of class ${k} must be a non-negative number (got ${JSON.stringify(v)}).`, undefined, 'bad-class-weight');
  }
  return cw as ClassWeight;
}

/** Whether a layer of the model can give its output a mask (Keras' Embedding mask_zero, Masking). */
function producesMask(model: LayersModel): boolean {
  return model.layers.some((l) => {
    const c = l.getConfig() as { maskZero?: boolean };
    return l.getClassName() === 'Masking' || (l.getClassName() === 'Embedding' && c.maskZero === true);
  });
}

type SymbolicId = { id: number };
interface MaskLayer {
  supportsMasking: boolean;
  inboundNodes: { inputTensors: SymbolicId[]; outputTensors: SymbolicId[] }[];
  getClassName(): string;
  computeMask(inputs: unknown, mask: unknown): Tensor | (Tensor | null)[] | null;
}

/**
 * Keras' mask propagation (keras/src/layers/layer.py `__call__`): a layer that supports masking computes its
 * output mask from its input mask (Embedding and Masking from the input values), any other layer drops it.
 * Only masks are computed, not the layers' outputs (tfjs' own computeMask reruns the whole model and fails on
 * recurrent layers); a mask-making layer whose input is not a model input is refused by the caller.
 */
function propagateMask(model: LayersModel, xs: Tensor): Tensor | null {
  const masks = new Map<number, Tensor | null>();
  const inputs = model.inputs as unknown as SymbolicId[];
  inputs.forEach((i) => masks.set(i.id, null));
  for (const layer of model.layers as unknown as MaskLayer[]) {
    for (const node of layer.inboundNodes) {
      if (!node.inputTensors.every((t) => masks.has(t.id))) continue;
      const inMasks = node.inputTensors.map((t) => masks.get(t.id) ?? null);
      let out: Tensor | (Tensor | null)[] | null = null;
      if (['Embedding', 'Masking'].includes(layer.getClassName())) {
        if (!layer.supportsMasking) out = null;
        else if (node.inputTensors.length === 1 && node.inputTensors[0].id === inputs[0].id && inputs.length === 1) out = layer.computeMask(xs, null);
        else throw new Error(`${layer.getClassName()} masks a tensor that is not the model's input`);
      } else if (layer.supportsMasking && inMasks.some((m) => m !== null)) {
        out = layer.computeMask(node.inputTensors.length === 1 ? node.inputTensors[0] : node.inputTensors, inMasks.length === 1 ? inMasks[0] : inMasks);
      }
      const outs = Array.isArray(out) ? out : [out];
      node.outputTensors.forEach((t, i) => masks.set(t.id, outs[i] ?? null));
    }
  }
  const output = (model.outputs as unknown as SymbolicId[])[0];
  if (!masks.has(output.id)) throw new Error('the output mask was not reached');
  return masks.get(output.id) ?? null;
}
