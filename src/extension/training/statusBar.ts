/** The training status bar item: copies the pure StatusView (statusModel.ts) onto a StatusBarItem, throttled. */
import * as vscode from 'vscode';
import type { TrainingController } from './controller';
import { Throttle, type StatusView } from './statusModel';

export class TrainingStatusBar implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private readonly throttle: Throttle<StatusView>;
  private readonly subs: vscode.Disposable[] = [];

  /** `activeModel`: the model file of the active editor (its fsPath), whose run the bar shows. */
  constructor(controller: TrainingController, activeModel: () => string | undefined = () => undefined) {
    this.item = vscode.window.createStatusBarItem('modelStudio.training', vscode.StatusBarAlignment.Left, 50);
    this.item.name = 'Model Studio Training';
    // At most 4 updates a second: batch events arrive up to 10/s per session.
    this.throttle = new Throttle((v) => this.apply(v), 250);
    const sub = controller.onStatus((v) => {
      this.throttle.update(v);
      // A failure or an end is shown at once, not a quarter second later.
      if (v.kind === 'warning' || v.kind === 'done') this.throttle.flush();
    });
    const followEditor = () => controller.setEditorModel(activeModel());
    // Elapsed time and ETA move between batch events too (a slow epoch may send none for a while).
    const tick = setInterval(() => {
      if (controller.view.kind === 'running') this.throttle.update(controller.view);
    }, 1000);
    this.subs.push(
      new vscode.Disposable(() => sub.dispose()),
      new vscode.Disposable(() => clearInterval(tick)),
      vscode.window.tabGroups.onDidChangeTabs(followEditor),
      vscode.window.tabGroups.onDidChangeTabGroups(followEditor),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('modelStudio.statusBar.enabled')) this.apply(controller.view);
      }),
    );
    followEditor();
    this.apply(controller.view);
  }

  private apply(v: StatusView): void {
    const item = this.item;
    item.text = v.text;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [...new Set(v.actions.map((a) => a.command))] };
    md.appendText(v.tooltip);
    if (v.actions.length) {
      md.appendMarkdown('\n\n---\n\n');
      md.appendMarkdown(
        v.actions
          .map((a) => `[$(${a.icon}) ${a.title}](command:${a.command}?${encodeURIComponent(JSON.stringify(a.args))} "${a.title}")`)
          .join(' &nbsp; '),
      );
    }
    item.tooltip = md;
    item.backgroundColor = v.kind === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    item.accessibilityInformation = { label: v.text.replace(/\$\([^)]*\)\s*/g, ''), role: 'button' };
    item.command = { command: v.command, title: v.actions[0]?.title ?? 'Training', arguments: v.actions.find((a) => a.command === v.command)?.args ?? [] };
    const enabled = vscode.workspace.getConfiguration('modelStudio').get<boolean>('statusBar.enabled', true);
    if (enabled) item.show();
    else item.hide();
  }

  dispose(): void {
    this.throttle.dispose();
    this.subs.forEach((d) => d.dispose());
    this.item.dispose();
  }
}
