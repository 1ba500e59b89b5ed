/** The form's Fit group: Keras fit() settings (epochs, batch size, validation split, shuffle), mixed precision. */
import { MIXED_PRECISION_POLICIES } from '../../../src/core/training';
import { Check, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

export function FitSection({ draft, err, set }: SectionProps) {
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
