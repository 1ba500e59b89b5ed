/**
 * Model diagnostics in VS Code's Problems panel. Model files are not text documents, so a problem is
 * placed on the line that names its layer when the file is JSON (model.json, Keras JSON), else on line 1,
 * and the entry's code is a link that opens the graph editor with the layer selected (layerLink.ts).
 */
import * as vscode from 'vscode';
import type { Diagnostic } from '../../core/types';
import { locateLayer, revealLayerLink } from './layerLink';

const SEVERITY: Record<Diagnostic['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVsDiagnostic(d: Diagnostic, text: string | undefined, uri: vscode.Uri): vscode.Diagnostic {
  const at = d.layer && text ? locateLayer(text, d.layer) : undefined;
  const range = at ? new vscode.Range(at.line, at.character, at.line, at.character + at.length) : new vscode.Range(0, 0, 0, 0);
  const prefix = d.layer ? `${d.layer}: ` : '';
  const message = `${prefix}${d.message}${d.hint ? ` — ${d.hint}` : ''}`;
  const out = new vscode.Diagnostic(range, message, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Error);
  out.source = 'Model Studio';
  out.code = d.layer ? { value: d.code ?? 'layer', target: vscode.Uri.parse(revealLayerLink(uri.toString(), d.layer)) } : d.code;
  return out;
}

/** One collection for every open model document. */
export class ModelDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('modelStudio');
  /** JSON text of each file, to place problems on lines (refreshed on open and save). */
  private readonly texts = new Map<string, string | undefined>();

  async refreshText(uri: vscode.Uri): Promise<void> {
    let text: string | undefined;
    if (uri.path.toLowerCase().endsWith('.json')) {
      try {
        const stat = await vscode.workspace.fs.stat(uri);
        // Big files are mostly weights arrays; scanning them for names is not worth it.
        if (stat.size < 8 * 1024 * 1024) text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        text = undefined;
      }
    }
    this.texts.set(uri.toString(), text);
  }

  set(uri: vscode.Uri, diagnostics: readonly Diagnostic[]): void {
    const text = this.texts.get(uri.toString());
    this.collection.set(uri, diagnostics.map((d) => toVsDiagnostic(d, text, uri)));
  }

  delete(uri: vscode.Uri): void {
    this.texts.delete(uri.toString());
    this.collection.delete(uri);
  }

  dispose(): void {
    this.collection.dispose();
  }
}
