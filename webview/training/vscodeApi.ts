/** The training view's side of the VS Code API: typed posting and the UI state kept across hide/show. */
import type { TrainingTab, TrainingToHost } from '../../src/protocol/training';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();

export function post(message: TrainingToHost): void {
  api.postMessage(message);
}

/** UI choices only: the metric history itself comes back from the host in a snapshot. */
export interface ViewState {
  tab?: TrainingTab;
  smoothing?: number;
  logScale?: boolean;
  compareIds?: string[];
  histKind?: 'weights' | 'activations';
  histMode?: 'ridgeline' | 'heatmap';
  tryLength?: number;
  tryTemperature?: number;
}

export function loadViewState(): ViewState {
  const s = api.getState();
  return s && typeof s === 'object' ? (s as ViewState) : {};
}

export function saveViewState(patch: Partial<ViewState>): void {
  api.setState({ ...loadViewState(), ...patch });
}
