/**
 * The training view, host side: which model it shows (the focused session's, else the active editor's), the
 * "try the model" state in the predict worker, and the one panel per window it feeds. The page keeps no state:
 * each `ready` gets a snapshot from here; live session messages come from the controller.
 */
import * as vscode from 'vscode';
import { dirname } from 'node:path';
import type { RunInfo } from '../../core/training';
import type { Evaluation, HostToTraining, TrainingTab, TryInfo } from '../../protocol/training';
import type { TrainingController } from '../training/controller';
import { trainingOf } from '../training/modelToTrain';
import type { PredictClient } from '../training/predictClient';
import { listRunInfos } from '../training/runStore';
import { errorMessage } from '../errors';
import { readModel } from '../../formats/registry';
import { settings, workspaceDirOf } from '../settings';
import { TrainingPanel } from './trainingPanel';
import { handleViewMessage } from './viewMessages';

/** The model the view's run list and "try the model" refer to, with the weights of a finished run if any. */
export interface ViewModel {
  uri: vscode.Uri;
  finalPath?: string;
}

export interface TrainingViewDeps {
  extensionUri: vscode.Uri;
  controller: TrainingController;
  predictor: PredictClient;
  log: vscode.LogOutputChannel;
  engineDirs: string[];
  /** The commands the page's buttons run (Stop and Pause/Resume go to the controller directly). */
  commands: ViewCommands;
}

export interface ViewCommands {
  train(uri: vscode.Uri | undefined): Promise<void>;
  configure(uri: vscode.Uri | undefined): Promise<void>;
  showLog(): void;
}

export class TrainingView implements vscode.Disposable {
  private panel: TrainingPanel | undefined;
  /** Undefined until a command or a session names a model. */
  model: ViewModel | undefined;
  tryInfo: TryInfo = { kind: 'none', reason: 'Open a model in the Model Studio editor, or train one, to try it here.' };
  evaluation: Evaluation | undefined;
  private tryLoadedFor = '';
  private readonly viewSub: { dispose(): void };

  constructor(readonly deps: TrainingViewDeps) {
    this.viewSub = deps.controller.onView((m) => this.post(m));
  }

  /** Opens the panel, or reveals it and switches to `tab`. */
  show(tab?: TrainingTab): TrainingPanel {
    if (this.panel) {
      this.panel.reveal(tab);
      return this.panel;
    }
    const p = TrainingPanel.create(this.deps.extensionUri, (m, panel) => void handleViewMessage(this, m, panel), tab, () => {
      if (this.panel === p) this.panel = undefined;
      this.deps.controller.setWatching(false);
    });
    this.panel = p;
    // RL sessions animate only while the view can be seen (a hidden webview drops the frames anyway).
    this.deps.controller.setWatching(true);
    p.panel.onDidChangeViewState((e) => this.deps.controller.setWatching(e.webviewPanel.visible));
    return p;
  }

  /** The open panel, if any. */
  get current(): TrainingPanel | undefined {
    return this.panel;
  }

  /** Posts to the panel while it is visible; hidden pages catch up from the snapshot on their next `ready`. */
  post(m: HostToTraining): void {
    const p = this.panel;
    if (p?.visible) void p.post(m);
  }

  /** Focuses a session and shows its model (with the run's weights once it has finished). */
  focusSession(sessionId: string): boolean {
    if (!this.deps.controller.focus(sessionId)) return false;
    const rec = this.deps.controller.record(sessionId);
    if (rec) this.model = { uri: vscode.Uri.file(rec.modelKey), finalPath: rec.result?.finalPath };
    return true;
  }

  /** The saved runs of the model's workspace (none when listing fails: the log says why). */
  runsFor(uri: vscode.Uri | undefined): RunInfo[] {
    if (!uri) return [];
    try {
      return listRunInfos(workspaceDirOf(uri), { runsFolder: settings().runsFolder });
    } catch (e) {
      this.deps.log.warn(`could not list runs: ${errorMessage(e)}`);
      return [];
    }
  }

  sendSnapshot(panel: TrainingPanel): void {
    void panel.post({ type: 'snapshot', snapshot: this.deps.controller.snapshot({ runs: this.runsFor(this.model?.uri), tryInfo: this.tryInfo, evaluation: this.evaluation }) });
    void this.loadTryModel();
  }

  /** (Re)loads the model into the predict worker when the model or its trained weights changed. */
  async loadTryModel(): Promise<void> {
    const vm = this.model;
    if (!vm) return;
    const key = `${vm.uri.toString()}|${vm.finalPath ?? ''}`;
    if (key === this.tryLoadedFor) return;
    this.tryLoadedFor = key;
    try {
      const original = await readModel(vm.uri.fsPath);
      const file = vm.finalPath ? { ...original, weights: (await readModel(vm.finalPath)).weights } : original;
      const s = settings();
      const r = await this.deps.predictor.load({ model: file, training: trainingOf(original), baseDir: dirname(vm.uri.fsPath), cacheDir: s.cacheDir, engineDirs: this.deps.engineDirs });
      this.tryInfo = r.info;
      this.evaluation = undefined;
      this.deps.log.info(`try the model: ${vm.uri.fsPath}${vm.finalPath ? ` with the weights of ${vm.finalPath}` : ''} on ${r.engine}`);
    } catch (e) {
      this.tryInfo = { kind: 'none', reason: errorMessage(e) };
    }
    this.post({ type: 'tryInfo', info: this.tryInfo });
  }

  dispose(): void {
    this.viewSub.dispose();
    this.panel?.panel.dispose();
  }
}
