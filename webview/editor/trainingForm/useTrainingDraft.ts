/**
 * The training form's state: the draft being edited, which fields the user touched (a field's problem
 * shows only then, or after Apply), and whether the draft differs from the saved config.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ModelShapes, TrainingConfig } from '../../../src/core/training';
import type { DatasetKind } from '../../../src/core/training';
import type { ModelIo } from '../outputsDraft';
import { configFrom, draftFrom, type Draft } from '../trainingDraft';

/** A path the host's picker returned (n changes each time). */
export type PickedDataset = { kind: DatasetKind; path: string; n: number } | null;

/** What each section of the form gets: the draft, a field's shown problem, and an update keyed by field. */
export interface SectionProps {
  draft: Draft;
  /** The model's inputs and outputs (rows per output, the data map). */
  io: ModelIo;
  err(k: string): string | undefined;
  set(k: string, f: (d: Draft) => Draft): void;
}

export function useTrainingDraft(saved: TrainingConfig | null, picked: PickedDataset, onApply: (config: TrainingConfig) => void, io: ModelIo, shapes?: ModelShapes) {
  const savedKey = JSON.stringify(saved);
  const ioKey = JSON.stringify([io, shapes]);
  const [draft, setDraft] = useState<Draft>(() => draftFrom(saved));
  const [showAll, setShowAll] = useState(false);
  // A new saved config (Apply, Undo, another panel, Revert) replaces the form.
  useEffect(() => {
    setDraft(draftFrom(saved));
    setShowAll(false);
  }, [savedKey]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (picked) setDraft((d) => ({ ...d, dataset: { ...d.dataset, kind: picked.kind, path: picked.path } }));
  }, [picked?.n]); // eslint-disable-line react-hooks/exhaustive-deps

  const built = useMemo(() => configFrom(draft, io, shapes), [draft, ioKey]); // eslint-disable-line react-hooks/exhaustive-deps
  // A model with several outputs shows a row for each even where the saved config has none: those rows are
  // the saved config's meaning (the model-wide loss, weight 1), not a change.
  const baseline = useMemo(() => JSON.stringify(configFrom(draftFrom(saved), io, shapes).config ?? null), [savedKey, ioKey]); // eslint-disable-line react-hooks/exhaustive-deps
  const changed = !saved || JSON.stringify(built.config ?? draft) !== baseline;
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
    if (built.config && errorCount === 0) onApply(built.config);
  };
  const reset = () => setDraft(draftFrom(saved));

  return { draft, err, set, apply, reset, changed, showAll, errorCount };
}
