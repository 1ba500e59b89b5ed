/** The form's Loss and metrics group: the Keras loss, its options (from_logits, huber's delta) and the metrics. */
import { LOSSES } from '../../../src/core/training';
import { Check, FieldNote, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

const METRIC_CHOICES = ['accuracy', 'mae', 'mse'];

export function LossSection({ draft, err, set }: SectionProps) {
  return (
    <>
      <div className="ms-panel-subtitle">Loss and metrics</div>
      <Select k="loss" label="loss" value={draft.loss} options={[...LOSSES]} error={err('loss')} onChange={(v) => set('loss', (d) => ({ ...d, loss: v }))} />
      {draft.loss.endsWith('crossentropy') && (
        <Check
          k="lossOptions.from_logits"
          label="from_logits"
          help="The model outputs raw scores (no softmax/sigmoid on the last layer)"
          checked={draft.fromLogits}
          error={err('lossOptions.from_logits')}
          onChange={(c) => set('lossOptions.from_logits', (d) => ({ ...d, fromLogits: c }))}
        />
      )}
      {draft.loss === 'huber' && (
        <Text
          k="lossOptions.delta"
          label="delta"
          help="Where the huber loss turns from quadratic to linear (Keras default 1)"
          value={draft.huberDelta}
          numeric
          error={err('lossOptions.delta')}
          onInput={(t) => set('lossOptions.delta', (d) => ({ ...d, huberDelta: t }))}
        />
      )}
      <div className="ms-field" role="group" aria-label="metrics">
        <span className="ms-field-label">metrics</span>
        <div className="ms-row ms-wrap">
          {[...new Set([...METRIC_CHOICES, ...draft.metrics])].map((m) => (
            <Check
              key={m}
              k={`metric.${m}`}
              label={m}
              checked={draft.metrics.includes(m)}
              onChange={(c) => set('metrics', (d) => ({ ...d, metrics: c ? [...d.metrics.filter((x) => x !== m), m] : d.metrics.filter((x) => x !== m) }))}
              inline
            />
          ))}
        </div>
        <FieldNote error={err('metrics')} k="metrics" />
      </div>
    </>
  );
}
