/**
 * The training form's part for models with several inputs and outputs: one loss (with its arguments), loss
 * weight and metrics per output, written as `TrainingConfig.outputs`, and which npz array feeds each input
 * and is each output's target, written as `TrainingConfig.dataMap`. A model with one output keeps the
 * model-wide loss and never gets either.
 */
import type { ConfigErrors, LossOptions, OutputTraining, TrainingConfig } from '../../src/core/training';

/** The model's inputs and outputs by layer name (the editor's graph), which decide the rows the form shows. */
export interface ModelIo {
  inputs: readonly string[];
  outputs: readonly string[];
}

/** A loss as the form edits it: numbers as typed. The model-wide loss and each output's have this shape. */
export interface LossDraft {
  loss: string;
  /** Keras loss arguments: from_logits (crossentropies) and delta (huber, typed). */
  fromLogits: boolean;
  huberDelta: string;
  metrics: string[];
}

export interface OutputDraft extends LossDraft {
  /** Keras' loss_weights[name], as typed. */
  weight: string;
}

export function lossDraftFrom(t: { loss: string; lossOptions?: LossOptions; metrics: readonly string[] }): LossDraft {
  return { loss: t.loss, fromLogits: t.lossOptions?.from_logits === true, huberDelta: String(t.lossOptions?.delta ?? 1), metrics: [...t.metrics] };
}

export function outputDraftsFrom(t: TrainingConfig): Record<string, OutputDraft> {
  const out: Record<string, OutputDraft> = {};
  for (const [name, o] of Object.entries(t.outputs ?? {})) out[name] = { ...lossDraftFrom(o), weight: String(o.lossWeight ?? 1) };
  return out;
}

/** An output's row: what the config says for it, else the model-wide loss and metrics with weight 1 (Keras' default). */
export function outputDraftOf(outputs: Record<string, OutputDraft>, modelWide: LossDraft, name: string): OutputDraft {
  return outputs[name] ?? { ...modelWide, metrics: [...modelWide.metrics], weight: '1' };
}

export const hasSeveralOutputs = (io: ModelIo | undefined): io is ModelIo => !!io && io.outputs.length > 1;

/** The data map is edited for an npz dataset of a model with several inputs or outputs (arrays named by key). */
export const showsDataMap = (datasetKind: string, io: ModelIo | undefined): io is ModelIo =>
  datasetKind === 'npz' && !!io && (io.inputs.length > 1 || io.outputs.length > 1);

/** Only the arguments the chosen loss takes are written (Keras' defaults: from_logits false, delta 1). */
export function lossOptionsFrom(l: LossDraft, key: string, typing: ConfigErrors, num: (text: string, key: string, errors: ConfigErrors) => number): LossOptions | undefined {
  if (l.loss.endsWith('crossentropy') && l.fromLogits) return { from_logits: true };
  if (l.loss === 'huber' && l.huberDelta.trim() !== '1') return { delta: num(l.huberDelta, `${key}.delta`, typing) };
  return undefined;
}

/**
 * `outputs` for the config: one entry per output of the model, in the model's order (an output renamed or
 * removed drops its entry); without the model (`io` undefined) the entries are kept as read.
 */
export function outputsFrom(
  drafts: Record<string, OutputDraft>,
  modelWide: LossDraft,
  io: ModelIo | undefined,
  typing: ConfigErrors,
  num: (text: string, key: string, errors: ConfigErrors) => number,
): Record<string, OutputTraining> | undefined {
  const names = io ? (hasSeveralOutputs(io) ? io.outputs : []) : Object.keys(drafts);
  if (names.length === 0) return undefined;
  const out: Record<string, OutputTraining> = {};
  for (const name of names) {
    const o = outputDraftOf(drafts, modelWide, name);
    const entry: OutputTraining = { loss: o.loss, metrics: [...o.metrics] };
    const options = lossOptionsFrom(o, `outputs.${name}.lossOptions`, typing, num);
    if (options) entry.lossOptions = options;
    if (o.weight.trim() !== '1') entry.lossWeight = num(o.weight, `outputs.${name}.lossWeight`, typing);
    out[name] = entry;
  }
  return out;
}

/**
 * `dataMap` for the config: where the form shows the rows, the arrays typed for the model's layers (an empty
 * row or one naming the layer itself is the default and is not written); elsewhere the map is kept as read.
 */
export function dataMapFrom(typed: Record<string, string>, datasetKind: string, io: ModelIo | undefined): Record<string, string> | undefined {
  const entries = showsDataMap(datasetKind, io)
    ? [...new Set([...io.inputs, ...io.outputs])].map((name) => [name, (typed[name] ?? '').trim()] as const).filter(([name, v]) => v !== '' && v !== name)
    : Object.entries(typed);
  return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}
