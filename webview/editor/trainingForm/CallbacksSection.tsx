/**
 * The form's Callbacks group: Keras callbacks as switches with their arguments (EarlyStopping,
 * ModelCheckpoint's monitor, a learning-rate schedule, histograms); callbacks the form has no switch for are
 * kept and listed.
 */
import { LR_SCHEDULES, monitorChoices, outputMetricKeys } from '../../../src/core/training';
import { hasSeveralOutputs, outputDraftOf } from '../outputsDraft';
import { withSchedule } from '../trainingDraft';
import type { ScheduleName } from '../../../src/core/training';
import { Check, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

type ArgGroup = 'early' | 'checkpoint' | 'histograms';

export function CallbacksSection(s: SectionProps) {
  const { draft, err, set } = s;
  // With several outputs, each output's loss and metrics can be watched too (Keras' `cls_loss`, `val_reg_mae`).
  const perOutput = hasSeveralOutputs(s.io) ? outputMetricKeys(Object.fromEntries(s.io.outputs.map((o) => [o, outputDraftOf(draft.outputs, draft, o)]))) : [];
  const monitors = monitorChoices([...draft.metrics, ...perOutput]);
  return (
    <>
      <div className="ms-panel-subtitle">Callbacks</div>
      <Check k="EarlyStopping" label="Early stopping" checked={draft.early.on} error={err('EarlyStopping')} onChange={(c) => set('EarlyStopping', (d) => ({ ...d, early: { ...d.early, on: c } }))} />
      {draft.early.on && (
        <div className="ms-indent">
          <MonitorField {...s} group="early" name="EarlyStopping" monitors={monitors} />
          <ArgField {...s} group="early" name="EarlyStopping" k="min_delta" label="min_delta" help="Smallest change that counts as an improvement" />
          <ArgField {...s} group="early" name="EarlyStopping" k="patience" label="patience" help="Epochs without improvement before stopping" />
          <Check
            k="EarlyStopping.restore_best_weights"
            label="restore_best_weights"
            checked={draft.early.args.restore_best_weights === true}
            onChange={(c) => set('EarlyStopping.restore_best_weights', (d) => ({ ...d, early: { ...d.early, args: { ...d.early.args, restore_best_weights: c } } }))}
          />
        </div>
      )}
      <Check
        k="ModelCheckpoint"
        label="Best checkpoint by a metric"
        help="Every run saves the last and the best epoch; this picks what 'best' means (default val_loss)"
        checked={draft.checkpoint.on}
        onChange={(c) => set('ModelCheckpoint', (d) => ({ ...d, checkpoint: { ...d.checkpoint, on: c } }))}
      />
      {draft.checkpoint.on && (
        <div className="ms-indent">
          <MonitorField {...s} group="checkpoint" name="ModelCheckpoint" monitors={monitors} />
        </div>
      )}
      <ScheduleFields {...s} monitors={monitors} />
      <Check k="Histograms" label="Weight and activation histograms" checked={draft.histograms.on} onChange={(c) => set('Histograms', (d) => ({ ...d, histograms: { ...d.histograms, on: c } }))} />
      {draft.histograms.on && (
        <div className="ms-indent">
          <ArgField {...s} group="histograms" name="Histograms" k="freq" label="every N epochs" help="How often the histograms are recorded" />
        </div>
      )}
      {draft.keep.callbacks.length > 0 && (
        <p className="ms-muted ms-help">Also kept: {draft.keep.callbacks.map((c) => String(c.class_name ?? c.name)).join(', ')}</p>
      )}
    </>
  );
}

/** One argument of a callback, as text (its problem is keyed `<callback>.<arg>`). */
function ArgField({ draft, err, set, group, name, k, label, help }: SectionProps & { group: ArgGroup; name: string; k: string; label: string; help: string }) {
  return (
    <Text
      k={`${name}.${k}`}
      label={label}
      help={help}
      value={String(draft[group].args[k])}
      error={err(`${name}.${k}`)}
      onInput={(v) => set(`${name}.${k}`, (d) => ({ ...d, [group]: { ...d[group], args: { ...d[group].args, [k]: v } } }))}
    />
  );
}

/** A callback's `monitor`, chosen among the losses and metrics the run will log. */
function MonitorField({ draft, err, set, group, name, monitors }: SectionProps & { group: 'early' | 'checkpoint'; name: string; monitors: string[] }) {
  return (
    <Select
      k={`${name}.monitor`}
      label="monitor"
      value={String(draft[group].args.monitor)}
      options={monitors}
      error={err(`${name}.monitor`)}
      onChange={(v) => set(`${name}.monitor`, (d) => ({ ...d, [group]: { ...d[group], args: { ...d[group].args, monitor: v } } }))}
    />
  );
}

/** The learning-rate schedule and, when one is chosen, its arguments. */
function ScheduleFields({ draft, err, set, monitors }: SectionProps & { monitors: string[] }) {
  return (
    <>
      <Select
        k="schedule"
        label="learning-rate schedule"
        value={draft.schedule.name}
        options={['none', ...LR_SCHEDULES]}
        error={err('schedule')}
        onChange={(v) => set('schedule', (d) => withSchedule(d, v as ScheduleName | 'none'))}
      />
      {draft.schedule.name !== 'none' && (
        <div className="ms-indent">
          {Object.entries(draft.schedule.args).map(([k, v]) => {
            const key = `${draft.schedule.name}.${k}`;
            const update = (nv: string | boolean) => set(key, (d) => ({ ...d, schedule: { ...d.schedule, args: { ...d.schedule.args, [k]: nv } } }));
            if (typeof v === 'boolean') return <Check key={key} k={key} label={k} checked={v} onChange={update} />;
            if (k === 'monitor') return <Select key={key} k={key} label={k} value={v} options={monitors} error={err(key)} onChange={update} />;
            return <Text key={key} k={key} label={k} value={v} numeric error={err(key)} onInput={update} />;
          })}
        </div>
      )}
    </>
  );
}
