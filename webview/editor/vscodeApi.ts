/** The editor's typed side of the VS Code API. */
import type { EditIntent, WebviewMessage } from '../../src/protocol/editor';
import { vscodeApi } from '../shared/vscodeApi';

/** What survives the panel being hidden (no retainContextWhenHidden): the host re-sends the model itself. */
export interface ViewState {
  selection?: string[];
  viewport?: { x: number; y: number; zoom: number };
  showSummary?: boolean;
  paletteQuery?: string;
  /** The side panel's tab. */
  sideTab?: 'properties' | 'training';
}

export const { post, loadViewState, saveViewState } = vscodeApi<WebviewMessage, ViewState>();

/** Every model change goes to the host as an edit intent; the host applies it and sends the new state. */
export const edit = (e: EditIntent) => post({ type: 'edit', edit: e });
