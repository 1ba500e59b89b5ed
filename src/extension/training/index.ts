/**
 * Training in the editor, the vscode side: commands (Train, Stop, Pause/Resume, Select Engine, Configure
 * Training, Apply Trained Weights, Show Runs, Compare Runs, Export, Show Training Log, Install TensorFlow
 * Engine), the training status
 * bar item, the training view panel and the "Model Studio Training" log. The logic lives in vscode-free
 * modules (controller.ts, statusModel.ts, runStore.ts, predictClient.ts); this file wires them to VS Code.
 * The lead calls `registerTraining(context)` from extension.ts.
 */
import * as vscode from 'vscode';
import { dirname, join } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { defaultTrainingConfig, ENGINE_CHOICES, trainingConfigOf, type EngineChoice, type RunInfo, type TrainingConfig } from '../../core/training';
import { isUserError, type ModelFile } from '../../core/types';
import { SessionManager } from '../../engine/sessions';
import type { Evaluation, TrainingTab, TrainingToHost, TryInfo } from '../../protocol/training';
import { TrainingController, type SessionRecord } from './controller';
import { applyRunWeights, documentTrainingInput } from './documentTraining';
import { verifyInChildProcess } from '../verifyModel';
import { PredictClient } from './predictClient';
import { deleteRun, listRunInfos, renameRun } from './runStore';
import { TrainingStatusBar } from './statusBar';
import { TrainingPanel } from './trainingPanel';

import { focusTrainingPanel, modelDocumentFor, MODEL_EDITOR_VIEW_TYPE as EDITOR_VIEW_TYPE } from '../modelEditor';
import type { ModelDocument } from '../modelDocument';

/** Format modules load on demand: activation stays light (h5wasm, protobuf load only when a file needs them). */
const registry = () => import('../../formats/registry');

function settings() {
  const c = vscode.workspace.getConfiguration('modelStudio');
  return {
    engine: c.get<EngineChoice>('training.engine', 'auto'),
    runsFolder: c.get<string>('runs.folder', '.modelstudio/runs'),
    cacheDir: c.get<string>('datasets.cacheDir', '') || undefined,
    batchSize: c.get<number>('training.batchSize', 32),
    epochs: c.get<number>('training.epochs', 10),
    onnxOpset: c.get<number>('onnx.opset', 17),
  };
}

function errorMessage(e: unknown): string {
  if (isUserError(e)) return e.hint ? `${e.message} ${e.hint}` : e.message;
  return e instanceof Error ? e.message : String(e);
}

/** The model file of the active Model Studio editor (or the URI a title-bar/context-menu command passes). */
function activeModelUri(arg?: unknown): vscode.Uri | undefined {
  if (arg instanceof vscode.Uri) return arg;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  if (tab?.input instanceof vscode.TabInputCustom && tab.input.viewType === EDITOR_VIEW_TYPE) return tab.input.uri;
  for (const g of vscode.window.tabGroups.all) {
    const t = g.activeTab;
    if (t?.input instanceof vscode.TabInputCustom && t.input.viewType === EDITOR_VIEW_TYPE) return t.input.uri;
  }
  return undefined;
}

function workspaceDirOf(uri: vscode.Uri): string {
  return vscode.workspace.getWorkspaceFolder(uri)?.uri.fsPath ?? dirname(uri.fsPath);
}

function trainingOf(file: ModelFile): TrainingConfig {
  const s = settings();
  return trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig({ batchSize: s.batchSize, epochs: s.epochs });
}

export function registerTraining(context: vscode.ExtensionContext): vscode.Disposable[] {
  const log = vscode.window.createOutputChannel('Model Studio Training', { log: true });
  const controller = new TrainingController(new SessionManager());
  const predictor = new PredictClient();
  const statusBar = new TrainingStatusBar(controller);
  const engineDirs = [join(context.globalStorageUri.fsPath, 'engines')];
  const extensionUri = context.extensionUri;
  /** The model "try the model" and the run list refer to: the focused session's, else the active editor's. */
  let viewModel: { uri: vscode.Uri; finalPath?: string } | undefined;
  let tryInfo: TryInfo = { kind: 'none', reason: 'Open a model in the Model Studio editor, or train one, to try it here.' };
  let tryLoadedFor = '';
  let evaluation: Evaluation | undefined;

  controller.onLog((l) => log.info(l));

  // ---------------------------------------------------------------------------------------------------------
  // The view

  const runsFor = (uri: vscode.Uri | undefined): RunInfo[] => {
    if (!uri) return [];
    const s = settings();
    try {
      return listRunInfos(workspaceDirOf(uri), { runsFolder: s.runsFolder });
    } catch (e) {
      log.warn(`could not list runs: ${errorMessage(e)}`);
      return [];
    }
  };

  const post = (m: Parameters<TrainingPanel['post']>[0]) => {
    const p = TrainingPanel.instance;
    if (p?.visible) void p.post(m);
  };
  const viewSub = controller.onView((m) => post(m));

  const sendSnapshot = (panel: TrainingPanel) => {
    void panel.post({ type: 'snapshot', snapshot: controller.snapshot({ runs: runsFor(viewModel?.uri), tryInfo, evaluation }) });
    void loadTryModel();
  };

  /** (Re)load the model into the predict worker when the model or its trained weights changed. */
  async function loadTryModel(): Promise<void> {
    const vm = viewModel;
    if (!vm) return;
    const key = `${vm.uri.toString()}|${vm.finalPath ?? ''}`;
    if (key === tryLoadedFor) return;
    tryLoadedFor = key;
    try {
      const { readModel } = await registry();
      const original = await readModel(vm.uri.fsPath);
      const file = vm.finalPath ? { ...original, weights: (await readModel(vm.finalPath)).weights } : original;
      const s = settings();
      const r = await predictor.load({ model: file, training: trainingOf(original), baseDir: dirname(vm.uri.fsPath), cacheDir: s.cacheDir, engineDirs });
      tryInfo = r.info;
      evaluation = undefined;
      log.info(`try the model: ${vm.uri.fsPath}${vm.finalPath ? ` with the weights of ${vm.finalPath}` : ''} on ${r.engine}`);
    } catch (e) {
      tryInfo = { kind: 'none', reason: errorMessage(e) };
    }
    post({ type: 'tryInfo', info: tryInfo });
  }

  async function onViewMessage(m: TrainingToHost, panel: TrainingPanel): Promise<void> {
    const s = settings();
    const ws = viewModel ? workspaceDirOf(viewModel.uri) : undefined;
    try {
      switch (m.type) {
        case 'ready':
          sendSnapshot(panel);
          break;
        case 'command': {
          const ids = { train: 'modelStudio.train', stop: 'modelStudio.stop', pauseResume: 'modelStudio.pauseResume', configure: 'modelStudio.configureTraining', showLog: 'modelStudio.showTrainingLog' };
          await vscode.commands.executeCommand(ids[m.command], viewModel?.uri);
          break;
        }
        case 'focusSession': {
          if (controller.focus(m.sessionId)) {
            const rec = controller.record(m.sessionId);
            if (rec) viewModel = { uri: vscode.Uri.file(rec.modelKey), finalPath: rec.result?.finalPath };
          }
          sendSnapshot(panel);
          break;
        }
        case 'compare': {
          const runs = runsFor(viewModel?.uri).filter((r) => m.runIds.includes(r.id));
          void panel.post({ type: 'compare', runs });
          break;
        }
        case 'renameRun':
          if (!ws) return;
          renameRun(ws, m.runId, m.name, s.runsFolder);
          void panel.post({ type: 'runs', runs: runsFor(viewModel?.uri) });
          break;
        case 'deleteRun': {
          if (!ws) return;
          const ok = await vscode.window.showWarningMessage(`Delete run ${m.runId}? Its metrics, checkpoints and weights are removed.`, { modal: true }, 'Delete');
          if (ok !== 'Delete') return;
          deleteRun(ws, m.runId, s.runsFolder);
          void panel.post({ type: 'runs', runs: runsFor(viewModel?.uri) });
          break;
        }
        case 'exportCsv':
        case 'exportPng': {
          const base = viewModel ? vscode.Uri.file(dirname(viewModel.uri.fsPath)) : vscode.workspace.workspaceFolders?.[0]?.uri;
          const target = await vscode.window.showSaveDialog({
            defaultUri: base ? vscode.Uri.joinPath(base, m.fileName) : undefined,
            filters: m.type === 'exportCsv' ? { CSV: ['csv'] } : { PNG: ['png'] },
          });
          if (!target) return;
          const bytes = m.type === 'exportCsv' ? Buffer.from(m.csv, 'utf8') : Buffer.from(m.dataUrl.slice(m.dataUrl.indexOf(',') + 1), 'base64');
          await writeFile(target.fsPath, bytes);
          void vscode.window.showInformationMessage(`Saved ${target.fsPath}`);
          break;
        }
        case 'predict':
          try {
            await loadTryModel();
            void panel.post({ type: 'prediction', requestId: m.requestId, output: await predictor.predict(m.input) });
          } catch (e) {
            void panel.post({ type: 'error', requestId: m.requestId, message: isUserError(e) ? e.message : errorMessage(e), hint: isUserError(e) ? e.hint : undefined });
          }
          break;
        case 'evaluate':
          await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Evaluating on the test set...' }, async () => {
            await loadTryModel();
            evaluation = await predictor.evaluate();
            void panel.post({ type: 'evaluation', evaluation });
          });
          break;
      }
    } catch (e) {
      void panel.post({ type: 'error', message: isUserError(e) ? e.message : errorMessage(e), hint: isUserError(e) ? e.hint : undefined });
    }
  }

  const showView = (tab?: TrainingTab) => TrainingPanel.show(extensionUri, (m, p) => void onViewMessage(m, p), tab);

  // ---------------------------------------------------------------------------------------------------------
  // Commands

  /**
   * The model to train: the open editor's document as it is now (unsaved edits, weights and training
   * configuration included), else the file on disk.
   */
  async function modelToTrain(uri: vscode.Uri): Promise<{ model: ModelFile; training: TrainingConfig; unsaved: boolean }> {
    const doc = modelDocumentFor(uri)?.model;
    if (doc) {
      const s = settings();
      return documentTrainingInput(doc, { batchSize: s.batchSize, epochs: s.epochs });
    }
    const { readModel } = await registry();
    const model = await readModel(uri.fsPath);
    return { model, training: trainingOf(model), unsaved: false };
  }

  async function train(arg?: unknown): Promise<void> {
    const uri = activeModelUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Open a model in the Model Studio editor to train it.');
      return;
    }
    try {
      const { model, training, unsaved } = await modelToTrain(uri);
      if (!training.dataset) {
        // The configuration is a form in the editor: show it, and let the user Apply, then Train.
        await focusTrainingPanel(uri);
        void vscode.window.showInformationMessage('Choose a dataset in the Training panel, click Apply, then Train.');
        return;
      }
      if (unsaved) log.info(`training the editor's unsaved state of ${uri.fsPath}`);
      const s = settings();
      const rec = controller.start(
        {
          model,
          training,
          engine: s.engine,
          engineDirs,
          baseDir: dirname(uri.fsPath),
          cacheDir: s.cacheDir,
          workspaceDir: workspaceDirOf(uri),
          runsFolder: s.runsFolder,
          runLabel: training.optimizer.name,
        },
        uri.fsPath,
      );
      viewModel = { uri };
      void vscode.commands.executeCommand('setContext', 'modelStudio.training', true);
      showView('charts');
      const panel = TrainingPanel.instance;
      if (panel) sendSnapshot(panel);
      log.info(`started ${rec.info.id}`);
    } catch (e) {
      void vscode.window.showErrorMessage(errorMessage(e));
    }
  }

  controller.onSessionEnd((rec: SessionRecord) => {
    void vscode.commands.executeCommand('setContext', 'modelStudio.training', controller.active().length > 0);
    const r = rec.result;
    if (!r) return;
    if (viewModel && viewModel.uri.fsPath === rec.modelKey && r.finalPath) viewModel = { uri: viewModel.uri, finalPath: r.finalPath };
    post({ type: 'runs', runs: runsFor(vscode.Uri.file(rec.modelKey)) });
    if (r.status === 'failed') {
      void vscode.window.showErrorMessage(`${rec.info.model}: ${[r.message, r.hint].filter(Boolean).join(' ')}`, 'Show Log').then((c) => {
        if (c) void vscode.commands.executeCommand('modelStudio.showTrainingLog');
      });
      return;
    }
    const test = r.test ? ` Test: ${Object.entries(r.test).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(', ')}.` : '';
    void vscode.window
      .showInformationMessage(`${rec.info.model}: training ${r.status} after ${r.epochs ?? '?'} epochs.${test}`, 'Apply Trained Weights', 'Open Trained Model', 'Try It')
      .then((c) => {
        if (c === 'Apply Trained Weights') void applyTrainedWeights(rec.info.id);
        if (c === 'Open Trained Model' && r.finalPath) void vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(r.finalPath), EDITOR_VIEW_TYPE);
        if (c === 'Try It') showView('try');
      });
  });

  /**
   * Puts a finished run's final weights into the model's open document as one undoable edit: the user then
   * Saves them, or Undoes. The document refuses weights that no longer fit its graph.
   */
  async function applyTrainedWeights(sessionId?: string): Promise<void> {
    // Without an id (the palette): the focused session, as Stop and Pause use.
    const rec = sessionId ? controller.record(sessionId) : controller.focused();
    const finalPath = rec?.result?.finalPath;
    if (!rec || !finalPath) {
      void vscode.window.showInformationMessage('No finished run to take weights from: train the model first.');
      return;
    }
    try {
      const uri = vscode.Uri.file(rec.modelKey);
      let doc: ModelDocument | undefined = modelDocumentFor(uri);
      if (!doc) {
        await vscode.commands.executeCommand('vscode.openWith', uri, EDITOR_VIEW_TYPE);
        doc = modelDocumentFor(uri);
      }
      const target = doc;
      if (!target?.model) throw new Error(`${uri.fsPath} is not open in the Model Studio editor`);
      const { readModel } = await registry();
      const runId = rec.info.runId ?? rec.info.id;
      await applyRunWeights((e) => target.applyEdit(e), finalPath, runId, readModel);
      log.info(`applied the weights of ${finalPath} to ${uri.fsPath} (unsaved: Save keeps them, Undo removes them)`);
      void vscode.window.showInformationMessage(`Applied the trained weights of run ${runId}. Save the model to keep them, or Undo.`);
    } catch (e) {
      void vscode.window.showErrorMessage(errorMessage(e));
    }
  }

  /**
   * The engine picker. Its "Measure speed for this model" item trains the open model briefly on each engine in
   * the predict worker (the host never loads tfjs) and shows the picker again with each engine's samples/s.
   */
  async function selectEngine(measured?: { model: string; report: Awaited<ReturnType<PredictClient['probeSpeed']>> }): Promise<void> {
    const current = settings().engine;
    type Item = vscode.QuickPickItem & { engine?: EngineChoice; measure?: boolean };
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
    const title = measured ? `Training engine: samples/s for ${measured.model} at batch ${measured.report.batch}` : 'Training engine';
    const chosen = await vscode.window.showQuickPick(items, { title });
    if (!chosen) return;
    if (chosen.measure) {
      const uri = activeModelUri();
      if (!uri) {
        void vscode.window.showInformationMessage('Open a model in the Model Studio editor to measure its training speed.');
        return selectEngine(measured);
      }
      const name = uri.path.split('/').pop() ?? uri.fsPath;
      try {
        // The open document (unsaved edits included), else the file on disk.
        const s = settings();
        const doc = modelDocumentFor(uri)?.model;
        const input = doc ? documentTrainingInput(doc, { batchSize: s.batchSize, epochs: s.epochs }) : undefined;
        const file = input?.model ?? (await (await registry()).readModel(uri.fsPath));
        const batch = input?.training.batchSize ?? trainingOf(file).batchSize;
        const report = await vscode.window.withProgress(
          { location: vscode.ProgressLocation.Notification, title: `Measuring the training speed of ${name} at batch ${batch}` },
          (progress) =>
            predictor.probeSpeed({ model: file, batch, engineDirs }, (p) => {
              if (p.measuring) progress.report({ message: `${p.measuring} (${p.done + 1} of ${p.total})...` });
              else progress.report({ increment: 100 / p.total });
            }),
        );
        for (const r of report.rows) log.info(`speed of ${name} at batch ${batch}: ${r.engine} ${r.samples_per_s ?? '-'} samples/s${r.reason ? ` (${r.reason})` : ''}`);
        for (const k of report.skipped) log.info(`speed of ${name}: ${k.engine} not available: ${k.reason}`);
        return selectEngine({ model: name, report });
      } catch (e) {
        void vscode.window.showErrorMessage(`Could not measure the engines: ${errorMessage(e)}`, 'Show Log').then((c) => c && log.show());
        return;
      }
    }
    if (!chosen.engine) return;
    await vscode.workspace.getConfiguration('modelStudio').update('training.engine', chosen.engine, vscode.ConfigurationTarget.Global);
    await probeEngine(chosen.engine, true);
  }

  async function probeEngine(engine: EngineChoice, tell: boolean): Promise<void> {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Checking the ${engine} engine...` }, async () => {
      try {
        const r = await predictor.probe(engine, engineDirs);
        controller.setEngine(r.engine, r.device);
        for (const s of r.skipped) log.info(`engine ${s.engine} skipped: ${s.reason}`);
        log.info(`engine: ${r.device}`);
        if (tell) void vscode.window.showInformationMessage(`Training will use ${r.device}.`);
      } catch (e) {
        log.warn(`engine ${engine}: ${errorMessage(e)}`);
        if (tell) void vscode.window.showWarningMessage(errorMessage(e), 'Show Log').then((c) => c && log.show());
      }
    });
  }

  async function exportModel(arg?: unknown): Promise<void> {
    const uri = activeModelUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Open a model in the Model Studio editor to export it.');
      return;
    }
    const { allFormats, readModel, writeModel } = await registry();
    const formats = allFormats().filter((f) => typeof f.write === 'function');
    const chosen = await vscode.window.showQuickPick(
      formats.map((f) => ({ label: f.label, description: f.extensions.join(', '), format: f })),
      { title: 'Export model as' },
    );
    if (!chosen) return;
    const base = uri.fsPath.replace(/(\.model)?\.(json|h5|keras|onnx)$/i, '');
    const ext = chosen.format.extensions[0] ?? '';
    const target = await vscode.window.showSaveDialog({ defaultUri: vscode.Uri.file(`${base}${ext.startsWith('.') ? ext : `.${ext}`}`), filters: { [chosen.format.label]: chosen.format.extensions.map((e) => e.replace(/^\./, '')) } });
    if (!target) return;
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Exporting to ${chosen.format.label}`, cancellable: true }, async (_p, token) => {
      try {
        // The open document as it is now (unsaved edits included), else the file on disk.
        const file = modelDocumentFor(uri)?.model?.toFile() ?? (await readModel(uri.fsPath));
        if (token.isCancellationRequested) return;
        const written = await writeModel(target.fsPath, file, chosen.format.id, { opset: settings().onnxOpset });
        log.info(`exported ${uri.fsPath} → ${written.join(', ')}`);
        const summary = `Exported ${written.length} file${written.length > 1 ? 's' : ''}: ${written[0]}`;
        if (chosen.format.id !== 'onnx') {
          void vscode.window.showInformationMessage(summary);
          return;
        }
        _p.report({ message: 'checking it against ONNX Runtime...' });
        const v = await verifyInChildProcess(target.fsPath, (kill) => token.onCancellationRequested(kill));
        log.info(v.text);
        if (v.ok) void vscode.window.showInformationMessage(`${summary} — verified against ONNX Runtime.`);
        else void vscode.window.showWarningMessage(`${summary}, but verification failed: ${v.text.split('\n').pop()}`, 'Show Log').then((c) => c && log.show());
      } catch (e) {
        void vscode.window.showErrorMessage(errorMessage(e));
      }
    });
  }

  async function verifyModel(arg?: unknown): Promise<void> {
    const uri = activeModelUri(arg);
    if (!uri) {
      void vscode.window.showInformationMessage('Open a model in the Model Studio editor to verify it.');
      return;
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Comparing TF.js and ONNX Runtime...', cancellable: true }, async (_p, token) => {
      const v = await verifyInChildProcess(uri.fsPath, (kill) => token.onCancellationRequested(kill));
      log.info(v.text);
      const last = v.text.split('\n').pop() ?? '';
      if (v.ok) void vscode.window.showInformationMessage(last);
      else void vscode.window.showWarningMessage(last, 'Show Log').then((c) => c && log.show());
    });
  }

  async function installTfEngine(): Promise<void> {
    const pkg = await vscode.window.showQuickPick(
      [
        { label: '@tensorflow/tfjs-node-gpu' as const, detail: 'CUDA GPUs (needs CUDA 11.2 and cuDNN 8.1); downloads libtensorflow' },
        { label: '@tensorflow/tfjs-node' as const, detail: 'CPU with libtensorflow; downloads libtensorflow' },
      ],
      { title: 'Install TensorFlow Engine' },
    );
    if (!pkg) return;
    const { installEngine } = await import('../../engine/tfjs/install');
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Installing ${pkg.label}`, cancellable: false }, async (progress) => {
      try {
        await installEngine(pkg.label, engineDirs[0], (p) => {
          progress.report({ message: p.message });
          if (p.line) log.info(p.line);
        });
        void vscode.window.showInformationMessage(`${pkg.label} is installed. Choose it with "Select Training Engine".`);
        await probeEngine(settings().engine, false);
      } catch (e) {
        log.error(errorMessage(e));
        void vscode.window.showErrorMessage(errorMessage(e), 'Show Log').then((c) => c && log.show());
      }
    });
  }

  async function compareRuns(arg?: unknown): Promise<void> {
    const uri = activeModelUri(arg) ?? viewModel?.uri;
    const runs = runsFor(uri);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('No saved runs yet: train the model first.');
      return;
    }
    const picked = await vscode.window.showQuickPick(
      runs.map((r) => ({ label: r.name, description: `${r.model} · ${r.state ?? ''}`, detail: Object.entries(r.final).map(([k, v]) => `${k} ${v.toFixed(4)}`).join(' · '), run: r })),
      { title: 'Compare runs', canPickMany: true },
    );
    if (!picked?.length) return;
    if (uri) viewModel = { uri, finalPath: viewModel?.uri.toString() === uri.toString() ? viewModel.finalPath : undefined };
    const panel = showView('compare');
    void panel.post({ type: 'compare', runs: picked.map((p) => p.run) });
  }

  const withModel = (f: (uri: vscode.Uri) => unknown) => (arg?: unknown) => {
    const uri = activeModelUri(arg);
    if (!uri) return void vscode.window.showInformationMessage('Open a model in the Model Studio editor first.');
    return f(uri);
  };

  const disposables: vscode.Disposable[] = [
    log,
    statusBar,
    new vscode.Disposable(() => viewSub.dispose()),
    new vscode.Disposable(() => controller.dispose()),
    new vscode.Disposable(() => predictor.dispose()),
    new vscode.Disposable(() => TrainingPanel.instance?.panel.dispose()),
    vscode.commands.registerCommand('modelStudio.train', (arg?: unknown) => train(arg)),
    // Arguments: a session id (status bar links, the view) or a model URI (editor title bar): act on the focused session.
    vscode.commands.registerCommand('modelStudio.stop', (id?: unknown) => controller.stop(typeof id === 'string' ? id : undefined)),
    vscode.commands.registerCommand('modelStudio.pauseResume', (id?: unknown) => controller.pauseResume(typeof id === 'string' ? id : undefined)),
    vscode.commands.registerCommand('modelStudio.selectEngine', () => selectEngine()),
    vscode.commands.registerCommand('modelStudio.configureTraining', withModel((uri) => focusTrainingPanel(uri).catch((e) => vscode.window.showErrorMessage(errorMessage(e))))),
    vscode.commands.registerCommand('modelStudio.applyTrainedWeights', (id?: unknown) => applyTrainedWeights(typeof id === 'string' ? id : undefined)),
    vscode.commands.registerCommand('modelStudio.showRuns', (arg?: unknown) => {
      const uri = activeModelUri(arg);
      if (uri) viewModel = { uri };
      showView('compare');
    }),
    vscode.commands.registerCommand('modelStudio.compareRuns', (arg?: unknown) => compareRuns(arg)),
    vscode.commands.registerCommand('modelStudio.export', (arg?: unknown) => exportModel(arg)),
    vscode.commands.registerCommand('modelStudio.verify', (arg?: unknown) => verifyModel(arg)),
    vscode.commands.registerCommand('modelStudio.showTrainingLog', () => {
      log.show(true);
      controller.acknowledge();
    }),
    vscode.commands.registerCommand('modelStudio.installEngine', () => installTfEngine()),
    vscode.commands.registerCommand('modelStudio.showTraining', (id?: unknown) => {
      if (typeof id === 'string' && controller.focus(id)) {
        const rec = controller.record(id);
        if (rec) viewModel = { uri: vscode.Uri.file(rec.modelKey), finalPath: rec.result?.finalPath };
      } else if (!viewModel) {
        const uri = activeModelUri();
        if (uri) viewModel = { uri };
      }
      const panel = showView();
      sendSnapshot(panel);
    }),
  ];
  // The idle status bar shows the engine that would be used; probing loads tfjs, so it runs in the worker,
  // a few seconds after activation so it does not compete with opening the editor.
  const probeTimer = setTimeout(() => void probeEngine(settings().engine, false), 5000);
  disposables.push(new vscode.Disposable(() => clearTimeout(probeTimer)));
  return disposables;
}

const ENGINE_DETAIL: Record<EngineChoice, string> = {
  auto: 'The fastest engine that loads: tensorflow-gpu, tensorflow, webgpu, wasm, cpu',
  'tensorflow-gpu': 'TensorFlow with CUDA (install it with "Install TensorFlow Engine")',
  tensorflow: 'TensorFlow on the CPU (install it with "Install TensorFlow Engine")',
  webgpu: 'Any Vulkan, Metal or Direct3D 12 GPU through Dawn',
  wasm: 'WebAssembly on the CPU',
  cpu: 'Plain JavaScript (slowest, always there)',
};
