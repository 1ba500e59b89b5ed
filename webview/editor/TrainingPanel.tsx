/**
 * The Training panel: the model's training configuration as a form (dataset, target, optimizer and its Keras
 * hyper-parameters, loss, metrics, fit settings, callbacks). Problems show inline as the user types and the
 * form never sends a config that has any; Apply sends the whole config as one `setTrainingConfig` edit, which
 * the host saves with the model (undoable like any graph edit). Reset discards the form's changes.
 */
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode, type RefObject } from 'react';
import { DATASET_KINDS, DATASET_PATH_KINDS, type DatasetKind, LOSSES, LR_SCHEDULES, monitorChoices, OPTIMIZER_DEFAULTS, type OptimizerName, type ScheduleName, type TrainingConfig } from '../../src/core/training';
import { useElementEvent } from './elements';
import { configFrom, draftFrom, withOptimizer, withSchedule, type Draft } from './trainingDraft';

interface Props {
  saved: TrainingConfig | null;
  /** A path the host's picker returned (n changes each time). */
  picked: { kind: DatasetKind; path: string; n: number } | null;
  /** Bumped by "Configure Training...": focus the first field. */
  focusSignal: number;
  onApply(config: TrainingConfig): void;
  onBrowse(kind: DatasetKind): void;
  onTrain(): void;
}

const DATASET_HELP: Record<string, string> = {
  xor: 'The four XOR points (built in)',
  linear: 'Synthetic linear regression data (built in)',
  mnist: '70,000 handwritten digits, 28×28 (downloaded once, cached)',
  'fashion-mnist': '70,000 clothing images, 28×28 (downloaded once, cached)',
  csv: 'A CSV file with a header row; the label column is the target',
  npz: 'A NumPy archive with x_train/y_train (and x_test/y_test)',
  npy: 'Two NumPy files: X.npy,Y.npy',
  images: 'A folder with one sub-folder of images per class',
  text: 'A text file for character models',
};
const METRIC_CHOICES = ['accuracy', 'mae', 'mse'];
const PARAM_HELP: Record<string, string> = {
  learning_rate: 'Step size (Keras learning_rate)',
  momentum: 'Momentum, 0 ≤ m < 1',
  nesterov: 'Nesterov momentum',
  rho: 'Decay of the moving average, 0 ≤ rho < 1',
  epsilon: 'Small constant for numerical stability',
  beta_1: 'Decay of the first moment, 0 ≤ β1 < 1',
  beta_2: 'Decay of the second moment, 0 ≤ β2 < 1',
  amsgrad: 'AMSGrad variant (not available in TensorFlow.js)',
  centered: 'Normalise by the centred second moment',
  initial_accumulator_value: 'Starting value of the accumulators, ≥ 0',
};

export function TrainingPanel(p: Props) {
  const savedKey = JSON.stringify(p.saved);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(p.saved));
  const [showAll, setShowAll] = useState(false);
  // A new saved config (Apply, Undo, another panel, Revert) replaces the form.
  useEffect(() => {
    setDraft(draftFrom(p.saved));
    setShowAll(false);
  }, [savedKey]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (p.picked) setDraft((d) => ({ ...d, dataset: { ...d.dataset, kind: p.picked!.kind, path: p.picked!.path } }));
  }, [p.picked?.n]); // eslint-disable-line react-hooks/exhaustive-deps
  const first = useRef<HTMLElement>(null);
  useEffect(() => {
    if (p.focusSignal) first.current?.focus();
  }, [p.focusSignal]);

  const built = useMemo(() => configFrom(draft), [draft]);
  const baseline = useMemo(() => JSON.stringify(configFrom(draftFrom(p.saved)).config ?? null), [savedKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const changed = !p.saved || JSON.stringify(built.config ?? draft) !== baseline;
  const errors = built.errors;
  const errorCount = Object.keys(errors).length;
  // A field's problem shows once the user touched the form (or pressed Apply), not on a fresh empty form.
  const [touched, setTouched] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setTouched(new Set()), [savedKey]);
  const err = (k: string) => (showAll || touched.has(k) ? errors[k] : undefined);
  const touch = (k: string) => setTouched((t) => (t.has(k) ? t : new Set([...t, k])));
  const set = (k: string, f: (d: Draft) => Draft) => {
    touch(k);
    setDraft(f);
  };

  const apply = () => {
    setShowAll(true);
    if (built.config && errorCount === 0) p.onApply(built.config);
  };

  const pathKind = DATASET_PATH_KINDS.includes(draft.dataset.kind as DatasetKind);
  const monitors = monitorChoices(draft.metrics);
  const argField = (group: 'early' | 'checkpoint' | 'histograms', name: string, k: string, label: string, help: string) => (
    <Text
      k={`${name}.${k}`}
      label={label}
      help={help}
      value={String(draft[group].args[k])}
      error={err(`${name}.${k}`)}
      onInput={(v) => set(`${name}.${k}`, (d) => ({ ...d, [group]: { ...d[group], args: { ...d[group].args, [k]: v } } }))}
    />
  );
  const monitorField = (group: 'early' | 'checkpoint', name: string) => (
    <Select
      k={`${name}.monitor`}
      label="monitor"
      value={String(draft[group].args.monitor)}
      options={monitors}
      error={err(`${name}.monitor`)}
      onChange={(v) => set(`${name}.monitor`, (d) => ({ ...d, [group]: { ...d[group], args: { ...d[group].args, monitor: v } } }))}
    />
  );

  return (
    <section className="ms-props ms-training" aria-label="Training configuration" data-testid="training-panel">
      <div className="ms-panel-title">Training</div>
      <p className="ms-muted ms-help">Saved with the model. Apply is one edit: Ctrl+Z undoes it, Ctrl+S saves it to the file.</p>

      <div className="ms-panel-subtitle">Data</div>
      <Select
        k="dataset.kind"
        label="dataset"
        value={draft.dataset.kind}
        options={[...DATASET_KINDS]}
        allowNone="(choose a dataset)"
        help={DATASET_HELP[draft.dataset.kind]}
        error={err('dataset.kind')}
        elRef={first}
        onChange={(v) => set('dataset.kind', (d) => ({ ...d, dataset: { ...d.dataset, kind: v } }))}
      />
      {pathKind && (
        <div className="ms-field">
          <span className="ms-field-label">{draft.dataset.kind === 'images' ? 'folder' : draft.dataset.kind === 'npy' ? 'files (X.npy,Y.npy)' : 'file'}</span>
          <div className="ms-row">
            <TextInput
              k="dataset.path"
              label="dataset path"
              value={draft.dataset.path}
              invalid={!!err('dataset.path')}
              placeholder={draft.dataset.kind === 'images' ? 'data/images' : `data/train.${draft.dataset.kind === 'text' ? 'txt' : draft.dataset.kind}`}
              onInput={(v) => set('dataset.path', (d) => ({ ...d, dataset: { ...d.dataset, path: v } }))}
            />
            <vscode-button secondary data-action="browse" title="Choose with a file picker" onClick={() => p.onBrowse(draft.dataset.kind as DatasetKind)}>
              Browse…
            </vscode-button>
          </div>
          <FieldNote help="Relative to the model's folder" error={err('dataset.path')} k="dataset.path" />
        </div>
      )}
      {draft.dataset.kind === 'csv' && (
        <Text
          k="dataset.label"
          label="label column"
          help="Column name or index of the target (default: the last column)"
          value={draft.dataset.label}
          error={err('dataset.label')}
          onInput={(v) => set('dataset.label', (d) => ({ ...d, dataset: { ...d.dataset, label: v } }))}
        />
      )}
      {draft.dataset.kind !== '' && (
        <Text
          k="dataset.options"
          label="options"
          help={optionsHelp(draft.dataset.kind)}
          value={draft.dataset.options}
          error={err('dataset.options')}
          onInput={(v) => set('dataset.options', (d) => ({ ...d, dataset: { ...d.dataset, options: v } }))}
        />
      )}
      <Select
        k="target"
        label="target"
        value={draft.target}
        options={['labels', 'input']}
        help="labels: the dataset's labels; input: the input itself (autoencoders)"
        onChange={(v) => set('target', (d) => ({ ...d, target: v === 'input' ? 'input' : 'labels' }))}
      />

      <div className="ms-panel-subtitle">Optimizer</div>
      <Select
        k="optimizer"
        label="optimizer"
        value={draft.optimizer}
        options={Object.keys(OPTIMIZER_DEFAULTS)}
        error={err('optimizer')}
        onChange={(v) => set('optimizer', (d) => withOptimizer(d, v as OptimizerName))}
      />
      {Object.entries(draft.params).map(([k, v]) =>
        typeof v === 'boolean' ? (
          <Check
            key={`${draft.optimizer}.${k}`}
            k={`optimizer.${k}`}
            label={k}
            help={PARAM_HELP[k]}
            checked={v}
            error={err(`optimizer.${k}`)}
            onChange={(c) => set(`optimizer.${k}`, (d) => ({ ...d, params: { ...d.params, [k]: c } }))}
          />
        ) : (
          <Text
            key={`${draft.optimizer}.${k}`}
            k={`optimizer.${k}`}
            label={k}
            help={PARAM_HELP[k]}
            value={v}
            numeric
            error={err(`optimizer.${k}`)}
            onInput={(t) => set(`optimizer.${k}`, (d) => ({ ...d, params: { ...d.params, [k]: t } }))}
          />
        ),
      )}

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

      <div className="ms-panel-subtitle">Callbacks</div>
      <Check k="EarlyStopping" label="Early stopping" checked={draft.early.on} error={err('EarlyStopping')} onChange={(c) => set('EarlyStopping', (d) => ({ ...d, early: { ...d.early, on: c } }))} />
      {draft.early.on && (
        <div className="ms-indent">
          {monitorField('early', 'EarlyStopping')}
          {argField('early', 'EarlyStopping', 'min_delta', 'min_delta', 'Smallest change that counts as an improvement')}
          {argField('early', 'EarlyStopping', 'patience', 'patience', 'Epochs without improvement before stopping')}
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
      {draft.checkpoint.on && <div className="ms-indent">{monitorField('checkpoint', 'ModelCheckpoint')}</div>}
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
      <Check k="Histograms" label="Weight and activation histograms" checked={draft.histograms.on} onChange={(c) => set('Histograms', (d) => ({ ...d, histograms: { ...d.histograms, on: c } }))} />
      {draft.histograms.on && <div className="ms-indent">{argField('histograms', 'Histograms', 'freq', 'every N epochs', 'How often the histograms are recorded')}</div>}
      {draft.keep.callbacks.length > 0 && (
        <p className="ms-muted ms-help">Also kept: {draft.keep.callbacks.map((c) => String(c.class_name ?? c.name)).join(', ')}</p>
      )}

      <div className="ms-form-footer">
        {showAll && errorCount > 0 && (
          <div className="ms-field-error" role="alert" data-testid="training-errors">
            {errorCount} value{errorCount > 1 ? 's need' : ' needs'} correcting; nothing was applied.
          </div>
        )}
        <div className="ms-form-actions">
          <vscode-button data-action="apply" disabled={!changed} onClick={apply} title="Save this configuration with the model (one undoable edit)">
            Apply
          </vscode-button>
          <vscode-button secondary data-action="reset" disabled={!changed} onClick={() => setDraft(draftFrom(p.saved))}>
            Reset
          </vscode-button>
          <vscode-button secondary data-action="train" disabled={changed || !p.saved?.dataset} onClick={p.onTrain} title={changed ? 'Apply the changes first' : 'Train with this configuration'}>
            Train
          </vscode-button>
        </div>
      </div>
    </section>
  );
}

function optionsHelp(kind: string): string {
  switch (kind) {
    case 'linear':
      return 'e.g. features=3&samples=1000';
    case 'csv':
      return 'e.g. header=false';
    case 'text':
      return 'e.g. seq=40&step=1&vocab=file';
    default:
      return 'key=value&key=value (optional)';
  }
}

// ---- controls (@vscode-elements/elements; their events are read through refs) ------------------------------

function FieldNote({ help, error, k }: { help?: string; error?: string; k: string }) {
  if (error) {
    return (
      <div className="ms-field-error" data-testid="training-error" data-error-for={k}>
        {error}
      </div>
    );
  }
  return help ? <div className="ms-field-help">{help}</div> : null;
}

function TextInput(p: { k: string; label: string; value: string; invalid?: boolean; numeric?: boolean; placeholder?: string; onInput(v: string): void }) {
  const ref = useRef<HTMLElement & { value: string }>(null);
  useElementEvent(ref, 'input', useCallback((el: HTMLElement & { value: string }) => p.onInput(el.value), [p.onInput])); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <vscode-textfield
      ref={ref}
      value={p.value}
      invalid={p.invalid}
      placeholder={p.placeholder}
      data-field={p.k}
      aria-label={p.label}
      aria-invalid={p.invalid ? 'true' : undefined}
      inputMode={p.numeric ? 'decimal' : undefined}
    />
  );
}

function Text(p: { k: string; label: string; value: string; help?: string; error?: string; numeric?: boolean; onInput(v: string): void }) {
  return (
    <label className="ms-field">
      <span className="ms-field-label">{p.label}</span>
      <TextInput k={p.k} label={p.label} value={p.value} invalid={!!p.error} numeric={p.numeric} onInput={p.onInput} />
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </label>
  );
}

function Select(p: {
  k: string;
  label: string;
  value: string;
  options: string[];
  allowNone?: string;
  help?: string;
  error?: string;
  elRef?: RefObject<HTMLElement | null>;
  onChange(v: string): void;
}) {
  const own = useRef<HTMLElement & { value: string }>(null);
  const ref = (p.elRef as RefObject<(HTMLElement & { value: string }) | null>) ?? own;
  useElementEvent(ref, 'change', useCallback((el: HTMLElement & { value: string }) => p.onChange(el.value), [p.onChange])); // eslint-disable-line react-hooks/exhaustive-deps
  const options = p.value && !p.options.includes(p.value) ? [p.value, ...p.options] : p.options;
  return (
    <label className="ms-field">
      <span className="ms-field-label">{p.label}</span>
      <vscode-single-select ref={ref} value={p.value} invalid={!!p.error} data-field={p.k} aria-label={p.label}>
        {p.allowNone !== undefined && <vscode-option value="">{p.allowNone}</vscode-option>}
        {options.map((o) => (
          <vscode-option key={o} value={o} selected={o === p.value}>
            {o}
          </vscode-option>
        ))}
      </vscode-single-select>
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </label>
  );
}

function Check(p: { k: string; label: string; checked: boolean; help?: string; error?: string; inline?: boolean; onChange(v: boolean): void }): ReactNode {
  const ref = useRef<HTMLElement & { checked: boolean }>(null);
  useElementEvent(ref, 'change', useCallback((el: HTMLElement & { checked: boolean }) => p.onChange(el.checked), [p.onChange])); // eslint-disable-line react-hooks/exhaustive-deps
  const box = <vscode-checkbox ref={ref} checked={p.checked} label={p.label} data-field={p.k} title={p.help} />;
  if (p.inline) return box;
  return (
    <div className="ms-field">
      {box}
      <FieldNote help={p.help} error={p.error} k={p.k} />
    </div>
  );
}
