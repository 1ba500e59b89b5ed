/** The editor's typed side of the VS Code API. */
import type { EditIntent, WebviewMessage } from '../../src/protocol/editor';
import { vscodeApi } from '../shared/vscodeApi';

/** What survives the panel being hidden (no retainContextWhenHidden): the host re-sends the model itself. */
export interface ViewState {
  selection?: string[];
  viewport?: { x: number; y: number; zoom: number };
  showSummary?: boolean;
  paletteQuery?: string;
  /** The layout direction chosen in the toolbar; 'auto': the saved drawing's own. */
  layoutDirection?: 'DOWN' | 'RIGHT' | 'auto';
  /** The side panel's tab. */
  sideTab?: 'properties' | 'training';
}

const api = vscodeApi<WebviewMessage, ViewState>();
export const { loadViewState, saveViewState } = api;

/**
 * Edits whose new layers the host places (after the selection, on a connection, pasted) or that leave a gap:
 * the canvas lays the graph out again once their state arrives. A layer dropped at a point stays there unless
 * it lands on another; a connection the user draws moves nothing.
 */
const LAYOUT_AFTER: Partial<Record<EditIntent['op'], LayoutRequest>> = {
  append: 'always',
  insertBetween: 'always',
  remove: 'always',
  duplicate: 'always',
  add: 'ifOverlapping',
};
export type LayoutRequest = 'always' | 'ifOverlapping';
let layoutWanted: LayoutRequest | undefined;

export function post(m: WebviewMessage): void {
  if (m.type === 'paste') layoutWanted = 'always';
  else if (m.type === 'edit') layoutWanted = LAYOUT_AFTER[m.edit.op];
  api.post(m);
}

/** What (once) the last edit of this panel asks of the layout: the next state is its result. */
export function takeLayoutRequest(): LayoutRequest | undefined {
  const wanted = layoutWanted;
  layoutWanted = undefined;
  return wanted;
}

/** Every model change goes to the host as an edit intent; the host applies it and sends the new state. */
export const edit = (e: EditIntent) => post({ type: 'edit', edit: e });
