/** The training view's typed side of the VS Code API. */
import type { TrainingTab, TrainingToHost } from '../../src/protocol/training';
import { vscodeApi } from '../shared/vscodeApi';

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
  /** The seed text of "Try the model", kept across predictions and reloads. */
  trySeed?: string;
}

export const { post, loadViewState, saveViewState } = vscodeApi<TrainingToHost, ViewState>();
