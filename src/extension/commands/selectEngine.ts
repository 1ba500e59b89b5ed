/**
 * "Select Training Engine...": the engine picker. Its "Measure speed for this model" item trains the open model
 * briefly on each engine in the predict worker (the host never loads tfjs) and shows the picker again with
 * each engine's samples/s.
 */
import * as vscode from 'vscode';
import { openDocumentInput, trainingOf } from '../training/modelToTrain';
import type { PredictClient } from '../training/predictClient';
import { probeEngine } from '../training/engineProbe';
import { errorMessage } from '../errors';
import { ENGINE_CHOICES, type EngineChoice } from '../../core/training';
import { readModel } from '../../formats/registry';
import { settings } from '../settings';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

type SpeedReport = Awaited<ReturnType<PredictClient['probeSpeed']>>;
/** A speed measurement of one model, shown beside each engine. */
interface Measured {
  model: string;
  report: SpeedReport;
}
type Item = vscode.QuickPickItem & { engine?: EngineChoice; measure?: boolean };

export async function selectEngine(ctx: CommandContext, measured?: Measured): Promise<void> {
  const title = measured ? `Training engine: samples/s for ${measured.model} at batch ${measured.report.batch}` : 'Training engine';
  const chosen = await vscode.window.showQuickPick(engineItems(settings().engine, measured), { ...PICK_OPTIONS, title });
  if (!chosen) return;
  if (chosen.measure) {
    const uri = ctx.editors.activeModelUri();
    if (!uri) {
      void vscode.window.showInformationMessage('Open a model in the Model Studio editor to measure its training speed.');
      return selectEngine(ctx, measured);
    }
    const next = await measureSpeed(ctx, uri);
    return next ? selectEngine(ctx, next) : undefined;
  }
  if (!chosen.engine) return;
  await vscode.workspace.getConfiguration('modelStudio').update('training.engine', chosen.engine, vscode.ConfigurationTarget.Global);
  await probeEngine(ctx, chosen.engine, true);
}

function engineItems(current: EngineChoice, measured: Measured | undefined): Item[] {
  const rate = (v: number) => (v >= 1000 ? Math.round(v).toLocaleString('en-US') : v >= 10 ? v.toFixed(1) : v.toPrecision(3));
  const fastest = measured?.report.rows.find((r) => r.reason === undefined && r.samples_per_s !== null)?.engine;
  const speedOf = (e: EngineChoice): string | undefined => {
    const row = measured?.report.rows.find((r) => r.engine === e);
    if (!row) return measured?.report.skipped.some((k) => k.engine === e) ? 'not available' : undefined;
    if (row.samples_per_s === null) return `failed: ${row.reason ?? 'unknown reason'}`;
    // An estimate from a batch of 8 when a full step would take too long.
    if (row.reason) return `~${rate(row.samples_per_s)} samples/s (${row.reason})`;
    return `${rate(row.samples_per_s)} samples/s${e === fastest ? ' · fastest' : ''}`;
  };
  const items: Item[] = ENGINE_CHOICES.map((e) => ({
    label: e,
    engine: e,
    description: [e === current ? 'current' : '', speedOf(e) ?? ''].filter(Boolean).join(' · ') || undefined,
    detail: measured?.report.skipped.find((k) => k.engine === e)?.reason ?? ENGINE_DETAIL[e],
  }));
  items.push(
    { label: '', kind: vscode.QuickPickItemKind.Separator },
    {
      label: '$(dashboard) Measure speed for this model',
      measure: true,
      detail: measured
        ? `Measured ${measured.model} at batch ${measured.report.batch} (synthetic data, after warm-up). Measure again`
        : 'Train the open model briefly on each engine (a few seconds each) and show samples/s here',
    },
  );
  return items;
}

/** Trains the model of `uri` briefly on each engine; undefined (after telling the user) when that fails. */
async function measureSpeed(ctx: CommandContext, uri: vscode.Uri): Promise<Measured | undefined> {
  const { log } = ctx;
  const name = uri.path.split('/').pop() ?? uri.fsPath;
  try {
    // The open document (unsaved edits included), else the file on disk.
    const input = openDocumentInput(ctx.editors, uri);
    const file = input?.model ?? (await readModel(uri.fsPath));
    const batch = input?.training.batchSize ?? trainingOf(file).batchSize;
    const report = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Measuring the training speed of ${name} at batch ${batch}` },
      (progress) =>
        ctx.predictor.probeSpeed({ model: file, batch, engineDirs: ctx.engineDirs }, (p) => {
          if (p.measuring) progress.report({ message: `${p.measuring} (${p.done + 1} of ${p.total})...` });
          else progress.report({ increment: 100 / p.total });
        }),
    );
    for (const r of report.rows) log.info(`speed of ${name} at batch ${batch}: ${r.engine} ${r.samples_per_s ?? '-'} samples/s${r.reason ? ` (${r.reason})` : ''}`);
    for (const k of report.skipped) log.info(`speed of ${name}: ${k.engine} not available: ${k.reason}`);
    return { model: name, report };
  } catch (e) {
    void vscode.window.showErrorMessage(`Could not measure the engines: ${errorMessage(e)}`, 'Show Log').then((c) => c && log.show());
    return undefined;
  }
}

const ENGINE_DETAIL: Record<EngineChoice, string> = {
  auto: 'The fastest engine that loads: tensorflow-gpu, tensorflow, webgpu, wasm, cpu',
  'tensorflow-gpu': 'TensorFlow with CUDA (install it with "Install TensorFlow Engine...")',
  tensorflow: 'TensorFlow on the CPU (install it with "Install TensorFlow Engine...")',
  webgpu: 'Any Vulkan, Metal or Direct3D 12 GPU through Dawn',
  wasm: 'WebAssembly on the CPU',
  cpu: 'Plain JavaScript (slowest, always there)',
  keras: 'Your own Keras 3 in Python (setting modelStudio.python.interpreter), at the framework\'s speed',
};
