/**
 * The form's Loss and metrics group: the Keras loss, its options (from_logits, huber's delta) and the metrics;
 * for a model with several outputs, one row per output (Keras' `compile(loss={...}, loss_weights={...},
 * metrics={...})`) with its loss weight.
 */
import { LOSSES } from '../../../src/core/training';
import { hasSeveralOutputs, outputDraftOf, type LossDraft, type OutputDraft } from '../outputsDraft';
import type { Draft } from '../trainingDraft';
import { Check, FieldNote, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

const METRIC_CHOICES = ['accuracy', 'mae', 'mse'];

export function LossSection({ draft, err, set, io }: SectionProps) {
  if (!hasSeveralOutputs(io)) {
    return (
      <>
        <div className="ms-panel-subtitle">Loss and metrics</div>
        <LossFields prefix="" value={draft} err={err} set={(k, f) => set(k, (d) => ({ ...d, ...f(d) }))} />
      </>
    );
  }
  return (
    <>
      <div className="ms-panel-subtitle">Loss and metrics, per output</div>
      <p className="ms-muted ms-help">The total loss is the sum of each output's loss times its weight.</p>
      {io.outputs.map((name) => (
        <OutputRow key={name} name={name} draft={draft} err={err} set={set} />
      ))}
    </>
  );
}

function OutputRow({ name, draft, err, set }: { name: string; draft: Draft; err: SectionProps['err']; set: SectionProps['set'] }) {
  const prefix = `outputs.${name}.`;
  const value = outputDraftOf(draft.outputs, draft, name);
  const setOutput = (k: string, f: (o: OutputDraft) => Partial<OutputDraft>) =>
    set(k, (d) => {
      const o = outputDraftOf(d.outputs, d, name);
      return { ...d, outputs: { ...d.outputs, [name]: { ...o, ...f(o) } } };
    });
  return (
    <fieldset className="ms-output-row" data-output={name} aria-label={`output ${name}`}>
      <legend>
        <span className="ms-tag ms-tag-output" title="Model output">
          out
        </span>{' '}
        <span className="ms-output-name">{name}</span>
      </legend>
      <LossFields prefix={prefix} value={value} err={err} set={setOutput} />
      <Text
        k={`${prefix}lossWeight`}
        label="loss weight"
        help="Keras' loss_weights for this output (default 1)"
        value={value.weight}
        numeric
        error={err(`${prefix}lossWeight`)}
        onInput={(t) => setOutput(`${prefix}lossWeight`, () => ({ weight: t }))}
      />
    </fieldset>
  );
}

/** One loss with its options and metrics; `prefix` ('' or `outputs.NAME.`) keys the fields and their problems. */
function LossFields<T extends LossDraft>({ prefix, value, err, set }: { prefix: string; value: T; err: SectionProps['err']; set(k: string, f: (v: T) => Partial<LossDraft>): void }) {
  const k = (name: string) => `${prefix}${name}`;
  return (
    <>
      <Select k={k('loss')} label="loss" value={value.loss} options={[...LOSSES]} error={err(k('loss'))} onChange={(v) => set(k('loss'), () => ({ loss: v }))} />
      {value.loss.endsWith('crossentropy') && (
        <Check
          k={k('lossOptions.from_logits')}
          label="from_logits"
          help="The model outputs raw scores (no softmax/sigmoid on the last layer)"
          checked={value.fromLogits}
          error={err(k('lossOptions.from_logits'))}
          onChange={(c) => set(k('lossOptions.from_logits'), () => ({ fromLogits: c }))}
        />
      )}
      {value.loss === 'huber' && (
        <Text
          k={k('lossOptions.delta')}
          label="delta"
          help="Where the huber loss turns from quadratic to linear (Keras default 1)"
          value={value.huberDelta}
          numeric
          error={err(k('lossOptions.delta'))}
          onInput={(t) => set(k('lossOptions.delta'), () => ({ huberDelta: t }))}
        />
      )}
      <div className="ms-field" role="group" aria-label={prefix ? `${prefix.slice('outputs.'.length, -1)} metrics` : 'metrics'}>
        <span className="ms-field-label">metrics</span>
        <div className="ms-row ms-wrap">
          {[...new Set([...METRIC_CHOICES, ...value.metrics])].map((m) => (
            <Check
              key={m}
              k={`${prefix}metric.${m}`}
              label={m}
              checked={value.metrics.includes(m)}
              onChange={(c) => set(k('metrics'), (v) => ({ metrics: c ? [...v.metrics.filter((x) => x !== m), m] : v.metrics.filter((x) => x !== m) }))}
              inline
            />
          ))}
        </div>
        <FieldNote error={err(k('metrics'))} k={k('metrics')} />
      </div>
    </>
  );
}
