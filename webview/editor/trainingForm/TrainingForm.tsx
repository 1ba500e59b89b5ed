/**
 * The training form in the editor's side panel: the model's training configuration, one section per group
 * (dataset, optimizer, loss and metrics, fit, callbacks). Problems show inline as the user types and the
 * form never sends a config that has any; Apply sends the whole config as one `setTrainingConfig` edit, which
 * the host saves with the model (undoable like any graph edit). Reset discards the form's changes.
 */
import { useEffect, useRef } from 'react';
import type { DatasetKind, MeasuredSpeed, ModelShapes, TrainingConfig } from '../../../src/core/training';
import type { ModelIo } from '../outputsDraft';
import { CallbacksSection } from './CallbacksSection';
import { DataMapSection } from './DataMapSection';
import { DatasetSection } from './DatasetSection';
import { FitSection } from './FitSection';
import { LossSection } from './LossSection';
import { OptimizerSection } from './OptimizerSection';
import { RlSection } from './RlSection';
import { fittingEnvironment } from '../rlDraft';
import { useTrainingDraft, type PickedDataset } from './useTrainingDraft';

interface Props {
  saved: TrainingConfig | null;
  /** The model's inputs and outputs: several outputs get a loss row each. */
  io: ModelIo;
  /** The shapes of a one-input, one-output model, so the dataset list offers the built-in datasets that fit it. */
  shapes?: ModelShapes;
  /** A path the host's picker returned (n changes each time). */
  picked: PickedDataset;
  /** The speed the model's newest run measured: the Fit group estimates the epoch time from it. */
  speed: MeasuredSpeed | null;
  /** Bumped by "Configure Training...": focus the first field. */
  focusSignal: number;
  onApply(config: TrainingConfig): void;
  onBrowse(kind: DatasetKind): void;
  onTrain(): void;
}

export function TrainingForm(p: Props) {
  const form = useTrainingDraft(p.saved, p.picked, p.onApply, p.io, p.shapes);
  const fits = fittingEnvironment(p.shapes);
  // An RL run learns from its environment: no dataset, no fit() settings, no Keras callbacks.
  const rl = form.draft.rl.on;
  const first = useRef<HTMLElement>(null);
  useEffect(() => {
    if (p.focusSignal) first.current?.focus();
  }, [p.focusSignal]);
  const section = { draft: form.draft, err: form.err, set: form.set, io: p.io };

  return (
    <section className="ms-props ms-training" aria-label="Training configuration" data-testid="training-panel">
      <div className="ms-panel-title">Training</div>
      <p className="ms-muted ms-help">Saved with the model. Apply is one edit: Ctrl+Z undoes it, Ctrl+S saves it to the file.</p>
      <RlSection {...section} fits={fits} first={first} />
      {!rl && <DatasetSection {...section} first={first} onBrowse={p.onBrowse} shapes={p.shapes} />}
      {!rl && <DataMapSection {...section} />}
      <OptimizerSection {...section} />
      <LossSection {...section} />
      {!rl && <FitSection {...section} speed={p.speed} />}
      {!rl && <CallbacksSection {...section} />}

      <div className="ms-form-footer">
        {form.showAll && form.errorCount > 0 && (
          <div className="ms-field-error" role="alert" data-testid="training-errors">
            {form.errorCount} value{form.errorCount > 1 ? 's need' : ' needs'} correcting; nothing was applied.
          </div>
        )}
        <div className="ms-form-actions">
          <vscode-button data-action="apply" disabled={!form.changed} onClick={form.apply} title="Save this configuration with the model (one undoable edit)">
            Apply
          </vscode-button>
          <vscode-button secondary data-action="reset" disabled={!form.changed} onClick={form.reset}>
            Reset
          </vscode-button>
          <vscode-button
            secondary
            data-action="train"
            disabled={form.changed || !(p.saved?.dataset || p.saved?.rl)}
            onClick={p.onTrain}
            title={form.changed ? 'Apply the changes first' : 'Train with this configuration'}
          >
            Train
          </vscode-button>
        </div>
      </div>
    </section>
  );
}
