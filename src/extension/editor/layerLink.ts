/**
 * A Problems entry and its layer: where the layer's name is in the model's JSON text (the entry's range) and
 * the `command:` link of the entry's code, which opens the graph editor with that layer selected (a custom
 * editor never sees the range VS Code opens it at). Pure: no vscode, so the unit tests use it as is.
 */
import { isStr } from '../../core/guards';

export const REVEAL_LAYER_COMMAND = 'modelStudio.revealLayer';

/** Where `"name": "<layer>"` is in a JSON text: line and column (0-based) of the quoted name, or undefined. */
export function locateLayer(text: string, layer: string): { line: number; character: number; length: number } | undefined {
  const quoted = JSON.stringify(layer);
  const re = new RegExp(`"name"\\s*:\\s*${quoted.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);
  const m = re.exec(text);
  if (!m) return undefined;
  const offset = m.index + m[0].length - quoted.length;
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  return { line, character: offset - (before.lastIndexOf('\n') + 1), length: quoted.length };
}

/** The command link that reveals `layer` of the model at `uri` (a URI string). */
export function revealLayerLink(uri: string, layer: string): string {
  return `command:${REVEAL_LAYER_COMMAND}?${encodeURIComponent(JSON.stringify([uri, layer]))}`;
}

/** The command's arguments as the link (or a caller) passes them; undefined when they are not a URI and a name. */
export function parseRevealArgs(args: readonly unknown[]): { uri: string; layer: string } | undefined {
  const [uri, layer] = args;
  const u = typeof uri === 'object' && uri !== null && 'toString' in uri && !isStr(uri) ? String(uri) : uri;
  return isStr(u) && u.length > 0 && isStr(layer) && layer.length > 0 ? { uri: u, layer } : undefined;
}
