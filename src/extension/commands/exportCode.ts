/**
 * "Export as Python Code...": the open model (unsaved edits included) as a Python script in the style the
 * user picks (src/core/codegen), shown in an untitled editor tab, with Save... to write it to a file (an
 * existing file is overwritten only after the user says so).
 */
import * as vscode from 'vscode';
import { notSequentialReason } from '../../core/codegen/kerasModel';
import { generateCode, type CodeStyle } from '../../core/codegen';
import { readModel } from '../../formats/registry';
import { errorMessage } from '../errors';
import type { CommandContext } from './context';
import { PICK_OPTIONS } from './pickOptions';

/** The Keras styles as quick-pick items (shared with "Export as Notebook..."). */
export const KERAS_STYLE_ITEMS: { style: CodeStyle; label: string; detail: string }[] = [
  { style: 'functional', label: 'Keras: functional API', detail: 'keras.Input and layer calls; any graph' },
  { style: 'sequential', label: 'Keras: Sequential', detail: 'keras.Sequential([...]); a single chain of layers' },
  { style: 'subclass', label: 'Keras: subclassing', detail: 'class (keras.Model) with layers in __init__ and the graph in call' },
];

const STYLES: { style: CodeStyle; label: string; detail: string }[] = [
  ...KERAS_STYLE_ITEMS,
  { style: 'pytorch', label: 'PyTorch: nn.Module', detail: 'channels-last, Keras semantics; unsupported layers are named' },
];

async function saveAs(code: string, suggested: vscode.Uri, log: CommandContext['log']): Promise<void> {
  const target = await vscode.window.showSaveDialog({ defaultUri: suggested, filters: { Python: ['py'] } });
  if (!target) return;
  let exists = true;
  try {
    await vscode.workspace.fs.stat(target);
  } catch {
    exists = false;
  }
  if (exists) {
    const ok = await vscode.window.showWarningMessage(`${target.fsPath} already exists. Overwrite it?`, { modal: true }, 'Overwrite');
    if (ok !== 'Overwrite') return;
  }
  await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(code));
  log.info(`wrote Python code to ${target.fsPath}`);
  void vscode.window.showInformationMessage(`Saved ${target.fsPath}`);
}

export async function exportCode(ctx: CommandContext, arg?: unknown): Promise<void> {
  const uri = ctx.editors.activeModelUri(arg);
  if (!uri) {
    void vscode.window.showInformationMessage('Open a model in the Model Studio editor to export it as Python code.');
    return;
  }
  try {
    const file = ctx.editors.documentFor(uri)?.model?.toFile() ?? (await readModel(uri.fsPath));
    const chain = notSequentialReason(file.graph) === null;
    const items = STYLES.filter((s) => chain || s.style !== 'sequential').map((s) => ({ label: s.label, detail: s.detail, style: s.style }));
    const chosen = await vscode.window.showQuickPick(items, { ...PICK_OPTIONS, title: 'Export as Python code' });
    if (!chosen) return;
    const generated = generateCode(file, { style: chosen.style, modelPath: uri.fsPath });
    const doc = await vscode.workspace.openTextDocument({ language: 'python', content: generated.code });
    await vscode.window.showTextDocument(doc, { preview: true });
    const base = uri.fsPath.replace(/(\.model)?\.(json|h5|keras|onnx)$/i, '');
    const message = [`Python code (${chosen.label}) for ${file.graph.name}.`, ...generated.notes].join(' ');
    const show = generated.notes.length ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    const action = await show(message, 'Save...');
    if (action === 'Save...') await saveAs(doc.getText(), vscode.Uri.file(`${base}_${chosen.style}.py`), ctx.log);
  } catch (e) {
    void vscode.window.showErrorMessage(errorMessage(e));
  }
}
