/**
 * The conversation with the extension host: says `ready` once, then keeps the model state the host sends
 * (never an older version of the same file), its load error or the read-only graph shown instead, the last rejected edit (shown for 8 s) and the
 * last picked dataset. Messages that steer the view are handed to `on`.
 */
import { useEffect, useRef, useState } from 'react';
import { parseHostMessage, type EditorState } from '../../../src/protocol/editor';
import type { DatasetKind, MeasuredSpeed } from '../../../src/core/training';
import type { ViewerProps } from '../viewer/ViewerApp';
import { post, takeLayoutRequest } from '../vscodeApi';

export interface LoadError {
  fileName: string;
  message: string;
  hint?: string;
}
export interface Notice {
  message: string;
  hint?: string;
}

export interface ViewCommands {
  /** A new state arrived (before it is shown). */
  state(state: EditorState): void;
  /** "Re-layout" from the host; gets the state shown now. */
  relayout(state: EditorState | null): void;
  showSummary(): void;
  showTraining(): void;
  /** A Problems entry's link: select this layer. */
  revealLayer(name: string): void;
}

export function useHostState(on: ViewCommands) {
  const [state, setState] = useState<EditorState | null>(null);
  const [loadError, setLoadError] = useState<LoadError | null>(null);
  const [viewer, setViewer] = useState<ViewerProps | null>(null);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [picked, setPicked] = useState<{ kind: DatasetKind; path: string; n: number } | null>(null);
  const [speed, setSpeed] = useState<MeasuredSpeed | null>(null);
  // The listener is added once; it reaches the latest handlers and state through refs.
  const handlers = useRef(on);
  handlers.current = on;
  const stateRef = useRef(state);
  stateRef.current = state;

  useEffect(() => {
    const onMessage = (ev: MessageEvent) => {
      const msg = parseHostMessage(ev.data);
      if (!msg) return;
      switch (msg.type) {
        case 'state':
          setLoadError(null);
          setViewer(null);
          setState((prev) => (prev && prev.version > msg.state.version && prev.fileName === msg.state.fileName ? prev : msg.state));
          handlers.current.state(msg.state);
          break;
        case 'loadError':
          setViewer(null);
          setLoadError({ fileName: msg.fileName, message: msg.message, hint: msg.hint });
          break;
        case 'viewer':
          setLoadError(null);
          setViewer({ fileName: msg.fileName, message: msg.message, hint: msg.hint, viewer: msg.viewer });
          break;
        case 'editRejected':
          // Nothing changed: the next state is not that edit's result, so no layout is owed to it.
          takeLayoutRequest();
          setNotice({ message: msg.message, hint: msg.hint });
          break;
        case 'relayout':
          handlers.current.relayout(stateRef.current);
          break;
        case 'showSummary':
          handlers.current.showSummary();
          break;
        case 'showTraining':
          handlers.current.showTraining();
          break;
        case 'revealLayer':
          handlers.current.revealLayer(msg.name);
          break;
        case 'datasetPicked':
          setPicked((prev) => ({ kind: msg.kind, path: msg.path, n: (prev?.n ?? 0) + 1 }));
          break;
        case 'trainingSpeed':
          setSpeed(msg.speed);
          break;
      }
    };
    window.addEventListener('message', onMessage);
    post({ type: 'ready' });
    return () => window.removeEventListener('message', onMessage);
  }, []);

  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(t);
  }, [notice]);

  return { state, loadError, viewer, notice, dismissNotice: () => setNotice(null), picked, speed };
}
