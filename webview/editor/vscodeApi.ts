/** The webview's side of the VS Code API: typed posting and the view state kept across reloads. */
import type { WebviewMessage } from '../../src/protocol/editor';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  api.postMessage(message);
}

/** What survives the panel being hidden (no retainContextWhenHidden): the host re-sends the model itself. */
export interface ViewState {
  selection?: string[];
  viewport?: { x: number; y: number; zoom: number };
  showSummary?: boolean;
  paletteQuery?: string;
}

export function loadViewState(): ViewState {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as ViewState) : {};
}

export function saveViewState(patch: Partial<ViewState>): void {
  api.setState({ ...loadViewState(), ...patch });
}
