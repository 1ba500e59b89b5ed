/**
 * Which weights an export writes: the editor's, or a saved run's last or best (issue 13: a freshly trained
 * MNIST CNN exported at 6.5% because Export silently wrote the editor's untrained weights). The choices, newest
 * run first with its figures, and the model file each one exports. No vscode here: commands/export.ts asks.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { RUN_FILES, type RunInfo } from '../../core/training';
import type { ModelFile, NamedTensor } from '../../core/types';
import { checkedWeights } from '../editing/edits';
import { listRunInfos, runsRoot } from './runStore';

/** A run's weights on disk: its final model (else the last checkpoint) and its best checkpoint. */
export interface RunWeights {
  run: RunInfo;
  last?: string;
  best?: string;
}

export type WeightsSource = { kind: 'editor' } | { kind: 'run'; runId: string; which: 'last' | 'best'; path: string };

export interface WeightsChoice {
  label: string;
  description: string;
  source: WeightsSource;
}

const modelIn = (dir: string, ...parts: string[]) => {
  const p = join(dir, ...parts, 'model.json');
  return existsSync(p) ? p : undefined;
};

/** The model's runs that have weights to export, newest first (a run that never finished an epoch has none). */
export function runsWithWeights(workspaceDir: string, model: string, runsFolder?: string): RunWeights[] {
  const root = runsRoot(workspaceDir, runsFolder);
  return listRunInfos(workspaceDir, { model, runsFolder })
    .reverse()
    .map((run) => {
      const dir = join(root, run.id);
      return { run, last: modelIn(dir, RUN_FILES.final) ?? modelIn(dir, RUN_FILES.checkpoints, 'last'), best: modelIn(dir, RUN_FILES.checkpoints, 'best') };
    })
    // A run stopped before its first epoch finished wrote its starting weights: nothing trained to offer.
    .filter((r) => r.run.epochs.length > 0 && (r.last || r.best));
}

/** "accuracy 0.9380 · val_accuracy 0.9512 · 1 epoch": what tells the runs apart at a glance. */
export function runFigures(run: RunInfo, figures: Record<string, number>): string {
  const keys = Object.keys(figures).filter((k) => !k.startsWith('test_') && k !== 'lr');
  // Accuracy first (what a user compares), then the losses; at most four figures.
  const order = (k: string) => (/acc/.test(k) ? 0 : 1) + (k.startsWith('val_') ? 0.5 : 0);
  const shown = keys.sort((a, b) => order(a) - order(b)).slice(0, 4).map((k) => `${k} ${figures[k].toFixed(4)}`);
  const n = run.epochs.length;
  return [...shown, `${n} epoch${n === 1 ? '' : 's'}`, ...(run.state && run.state !== 'done' ? [run.state] : [])].join(' · ');
}

/** The choices, in the order offered: each run's last then best (newest run first), and the editor's. */
export function weightsChoices(runs: readonly RunWeights[], editorTrained: boolean): WeightsChoice[] {
  const out: WeightsChoice[] = [];
  for (const r of runs) {
    if (r.last) out.push({ label: `Run ${r.run.name}: last weights`, description: runFigures(r.run, r.run.final), source: { kind: 'run', runId: r.run.id, which: 'last', path: r.last } });
    if (r.best) out.push({ label: `Run ${r.run.name}: best weights`, description: runFigures(r.run, r.run.best), source: { kind: 'run', runId: r.run.id, which: 'best', path: r.best } });
  }
  const editor: WeightsChoice = {
    label: "The editor's weights",
    description: editorTrained ? 'as open in the editor, unsaved edits included' : 'not from any run of this model: possibly never trained',
    source: { kind: 'editor' },
  };
  // Weights a run trained come first unless the editor already holds some of them.
  return editorTrained ? [editor, ...out] : [...out, editor];
}

/** Same names, shapes and values: the editor holds a run's weights (applied, or saved after Apply). */
export function sameWeights(a: readonly NamedTensor[], b: readonly NamedTensor[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const byName = new Map(b.map((w) => [w.name, w]));
  return a.every((w) => {
    const o = byName.get(w.name);
    return o !== undefined && o.data.length === w.data.length && o.shape.join() === w.shape.join() && w.data.every((v, i) => v === o.data[i]);
  });
}

/** The editor's model with a run's weights (refused when they no longer fit its graph); the editor's as is. */
export async function modelToExport(editor: ModelFile, source: WeightsSource, readModel: (path: string) => Promise<ModelFile>): Promise<ModelFile> {
  if (source.kind === 'editor') return editor;
  const trained = await readModel(source.path);
  return { ...editor, weights: checkedWeights(editor.graph, trained.weights) };
}

/** Whether the editor's weights are some run's (only the newest runs are read: each is a file of weights). */
export async function editorHoldsRunWeights(editor: readonly NamedTensor[], runs: readonly RunWeights[], readModel: (path: string) => Promise<ModelFile>, newest = 5): Promise<boolean> {
  for (const r of runs.slice(0, newest)) {
    for (const p of [r.last, r.best]) {
      if (p && sameWeights(editor, (await readModel(p).catch(() => undefined))?.weights ?? [])) return true;
    }
  }
  return false;
}
