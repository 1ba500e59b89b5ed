/** The form's Fit group: Keras fit() settings (epochs, batch size, validation split, steps per epoch, shuffle), the training subset, mixed precision. */
import { epochEstimateText, MIXED_PRECISION_POLICIES, type MeasuredSpeed } from '../../../src/core/training';
import { Check, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

export function FitSection({ draft, err, set, speed }: SectionProps & { speed?: MeasuredSpeed | null }) {
  const opt = (v: string) => (v.trim() === '' ? undefined : Number(v));
  const estimate = epochEstimateText(speed, {
    batchSize: Number(draft.batchSize),
    validationSplit: Number(draft.validationSplit),
    stepsPerEpoch: opt(draft.stepsPerEpoch),
    subset: opt(draft.subset),
  });
  return (
    <>
      <div className="ms-panel-subtitle">Fit</div>
      <Text k="epochs" label="epochs" value={draft.epochs} numeric error={err('epochs')} onInput={(v) => set('epochs', (d) => ({ ...d, epochs: v }))} />
      <Text k="batchSize" label="batch size" value={draft.batchSize} numeric error={err('batchSize')} onInput={(v) => set('batchSize', (d) => ({ ...d, batchSize: v }))} />
      <Text
        k="validationSplit"
        label="validation split"
        help="Fraction of the training data held out for validation, 0 ≤ v < 1"
        value={draft.validationSplit}
        numeric
        error={err('validationSplit')}
        onInput={(v) => set('validationSplit', (d) => ({ ...d, validationSplit: v }))}
      />
      <Text
        k="stepsPerEpoch"
        label="steps per epoch"
        help="Batches per epoch (Keras' steps_per_epoch; the data continues in the next epoch); empty: the whole data"
        value={draft.stepsPerEpoch}
        numeric
        error={err('stepsPerEpoch')}
        onInput={(v) => set('stepsPerEpoch', (d) => ({ ...d, stepsPerEpoch: v }))}
      />
      <Text
        k="subset"
        label="subset of the data"
        help="Train on the first fraction of the training rows, 0 < f ≤ 1 (after the validation split); empty: all"
        value={draft.subset}
        numeric
        error={err('subset')}
        onInput={(v) => set('subset', (d) => ({ ...d, subset: v }))}
      />
      {estimate && (
        <p className="ms-muted ms-help" data-testid="epoch-estimate">
          {estimate}
        </p>
      )}
      <Check k="shuffle" label="shuffle each epoch" checked={draft.shuffle} onChange={(c) => set('shuffle', (d) => ({ ...d, shuffle: c }))} />
      <Text
        k="devices"
        label="devices"
        help="keras engine on JAX: all, or how many of this machine's devices train data-parallel; empty: one"
        value={draft.devices}
        error={err('devices')}
        onInput={(v) => set('devices', (d) => ({ ...d, devices: v }))}
      />
      <Select
        k="mixedPrecision"
        label="mixed precision"
        help="keras engine only: compute in 16 bits, variables in float32"
        value={draft.mixedPrecision}
        options={[...MIXED_PRECISION_POLICIES]}
        allowNone="off (float32)"
        error={err('mixedPrecision')}
        onChange={(v) => set('mixedPrecision', (d) => ({ ...d, mixedPrecision: v }))}
      />
    </>
  );
}
