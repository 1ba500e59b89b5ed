/**
 * The graph editor app: toolbar, palette, canvas, properties and summary. It renders the state the host
 * sends and turns user gestures into edit intents; it never changes the model itself. Undo/redo keys are
 * left to VS Code, which owns the edit stack.
 */
import { ReactFlowProvider, type Viewport } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { DatasetKind } from '../../src/core/training';
import type { ModelGraph } from '../../src/core/types';
import { parseHostMessage, type EditIntent, type EditorState, type Point } from '../../src/protocol/editor';
import { Canvas, type EdgeRef } from './Canvas';
import { ErrorView } from './ErrorView';
import { formatCount } from './format';
import { layoutGraph, NODE_HEIGHT, NODE_WIDTH } from './layout';
import { Palette } from './Palette';
import { Properties } from './Properties';
import { SummaryView } from './SummaryView';
import { TrainingPanel } from './TrainingPanel';
import { loadViewState, post, saveViewState } from './vscodeApi';

const edit = (e: EditIntent) => post({ type: 'edit', edit: e });

/** Positions for layers without a saved one: elk's when nothing is placed yet, else next to their input. */
function effectivePositions(g: ModelGraph, order: string[], elk: Record<string, Point>): Record<string, Point> {
  const placed = g.layers.filter((l) => l.position);
  const out: Record<string, Point> = {};
  if (placed.length === 0) {
    for (const l of g.layers) if (elk[l.name]) out[l.name] = elk[l.name];
    return out;
  }
  for (const l of placed) out[l.name] = l.position as Point;
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  const taken = (p: Point) => Object.values(out).some((q) => Math.abs(q.x - p.x) < NODE_WIDTH && Math.abs(q.y - p.y) < NODE_HEIGHT);
  const maxX = () => Math.max(0, ...Object.values(out).map((q) => q.x));
  const names = [...order, ...g.layers.map((l) => l.name).filter((n) => !order.includes(n))];
  for (const name of names) {
    const l = byName.get(name);
    if (!l || out[name]) continue;
    const src = l.inbound.map((s) => out[s]).find(Boolean);
    let p: Point = src ? { x: src.x, y: src.y + NODE_HEIGHT + 34 } : { x: maxX() + NODE_WIDTH + 40, y: 0 };
    while (taken(p)) p = { x: p.x + NODE_WIDTH + 30, y: p.y };
    out[name] = p;
  }
  return out;
}

export function App() {
  const initial = useMemo(() => loadViewState(), []);
  const [state, setState] = useState<EditorState | null>(null);
  const [loadError, setLoadError] = useState<{ fileName: string; message: string; hint?: string } | null>(null);
  const [notice, setNotice] = useState<{ message: string; hint?: string } | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(() => new Set(initial.selection ?? []));
  const [selectedEdge, setSelectedEdge] = useState<EdgeRef | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [showSummary, setShowSummary] = useState(initial.showSummary ?? false);
  const [query, setQuery] = useState(initial.paletteQuery ?? '');
  const [elkPos, setElkPos] = useState<Record<string, Point> | null>(null);
  const [fitSignal, setFitSignal] = useState(0);
  const [sideTab, setSideTab] = useState<'properties' | 'training'>(initial.sideTab ?? 'properties');
  const [trainingFocus, setTrainingFocus] = useState(0);
  const [picked, setPicked] = useState<{ kind: DatasetKind; path: string; n: number } | null>(null);
  const canvasBox = useRef<HTMLDivElement>(null);
  const stateRef = useRef(state);
  stateRef.current = state;

  const relayout = useCallback(async () => {
    const g = stateRef.current?.graph;
    if (!g || g.layers.length === 0) return;
    edit({ op: 'relayout', positions: await layoutGraph(g) });
    setFitSignal((n) => n + 1);
  }, []);

  useEffect(() => {
    const onMessage = (ev: MessageEvent) => {
      const msg = parseHostMessage(ev.data);
      if (!msg) return;
      switch (msg.type) {
        case 'state':
          setLoadError(null);
          setState((prev) => (prev && prev.version > msg.state.version && prev.fileName === msg.state.fileName ? prev : msg.state));
          setSelected((prev) => {
            const names = new Set(msg.state.graph.layers.map((l) => l.name));
            if (msg.state.created.length) return new Set(msg.state.created);
            const kept = [...prev].filter((n) => names.has(n));
            return kept.length === prev.size ? prev : new Set(kept);
          });
          break;
        case 'loadError':
          setLoadError({ fileName: msg.fileName, message: msg.message, hint: msg.hint });
          break;
        case 'editRejected':
          setNotice({ message: msg.message, hint: msg.hint });
          break;
        case 'relayout':
          void relayout();
          break;
        case 'showSummary':
          setShowSummary(true);
          break;
        case 'showTraining':
          setSideTab('training');
          setTrainingFocus((n) => n + 1);
          break;
        case 'datasetPicked':
          setPicked((prev) => ({ kind: msg.kind, path: msg.path, n: (prev?.n ?? 0) + 1 }));
          break;
      }
    };
    window.addEventListener('message', onMessage);
    post({ type: 'ready' });
    return () => window.removeEventListener('message', onMessage);
  }, [relayout]);

  useEffect(() => saveViewState({ selection: [...selected] }), [selected]);
  useEffect(() => saveViewState({ showSummary }), [showSummary]);
  useEffect(() => saveViewState({ paletteQuery: query }), [query]);
  useEffect(() => saveViewState({ sideTab }), [sideTab]);
  useEffect(() => {
    if (!notice) return;
    const t = setTimeout(() => setNotice(null), 8000);
    return () => clearTimeout(t);
  }, [notice]);

  // Auto layout, only when no layer has a saved position (a new or imported model): elk's result is a
  // view of the model, not an edit, so opening a file never makes it dirty.
  const graph = state?.graph;
  const structureKey = graph ? graph.layers.map((l) => `${l.name}<${l.inbound.join(',')}`).join(';') : '';
  const needsElk = !!graph && graph.layers.length > 0 && graph.layers.every((l) => !l.position);
  useEffect(() => {
    if (!graph || !needsElk) return;
    let live = true;
    void layoutGraph(graph).then((pos) => {
      if (live) {
        setElkPos(pos);
        setFitSignal((n) => n + 1);
      }
    });
    return () => {
      live = false;
    };
  }, [structureKey, needsElk]); // eslint-disable-line react-hooks/exhaustive-deps

  const positions = useMemo(
    () => (state ? effectivePositions(state.graph, state.order, needsElk ? (elkPos ?? {}) : {}) : {}),
    [state, elkPos, needsElk],
  );

  /** Positions of the layers that are shown where auto layout put them (none saved yet). */
  const autoLayout = (): Record<string, Point> => {
    const out: Record<string, Point> = {};
    for (const l of state?.graph.layers ?? []) if (!l.position && positions[l.name]) out[l.name] = positions[l.name];
    return out;
  };

  const selectedList = useMemo(() => (state ? state.graph.layers.map((l) => l.name).filter((n) => selected.has(n)) : []), [state, selected]);
  const single = selectedList.length === 1 ? state?.graph.layers.find((l) => l.name === selectedList[0]) : undefined;

  const pick = useCallback(
    (className: string) => {
      if (selectedEdge) edit({ op: 'insertBetween', from: selectedEdge.from, to: selectedEdge.to, className });
      else edit({ op: 'append', className, after: selectedList[selectedList.length - 1] });
      setSelectedEdge(null);
    },
    [selectedEdge, selectedList],
  );

  const selectOnly = (name: string) => {
    setSelected(new Set([name]));
    setSelectedEdge(null);
  };

  const removeSelection = () => {
    if (selectedList.length) edit({ op: 'remove', names: selectedList });
    else if (selectedEdge) edit({ op: 'disconnect', from: selectedEdge.from, to: selectedEdge.to });
    setSelectedEdge(null);
  };

  const onCanvasKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (!state || renaming) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, textarea, vscode-textfield, vscode-single-select')) return;
    const ctrl = e.ctrlKey || e.metaKey;
    const g = state.graph;
    const order = [...state.order, ...g.layers.map((l) => l.name).filter((n) => !state.order.includes(n))];
    const current = selectedList[selectedList.length - 1];
    const byName = new Map(g.layers.map((l) => [l.name, l]));
    const move = (name: string | undefined) => {
      if (!name) return;
      e.preventDefault();
      selectOnly(name);
    };
    if (e.key === 'Tab' && !ctrl) {
      // Tab walks the layers in topological order; past the last one, focus leaves the canvas as usual.
      const i = current ? order.indexOf(current) : -1;
      const next = e.shiftKey ? (i < 0 ? order.length - 1 : i - 1) : i + 1;
      if (next >= 0 && next < order.length) move(order[next]);
    } else if (e.key === 'ArrowUp') {
      move(current ? byName.get(current)?.inbound[0] : order[0]);
    } else if (e.key === 'ArrowDown') {
      move(current ? g.layers.find((l) => l.inbound.includes(current))?.name : order[0]);
    } else if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
      // Siblings: layers fed by the same layer (or, for inputs, the other inputs).
      if (!current) return move(order[0]);
      const parent = byName.get(current)?.inbound[0];
      const sibs = parent ? g.layers.filter((l) => l.inbound[0] === parent).map((l) => l.name) : g.layers.filter((l) => l.inbound.length === 0).map((l) => l.name);
      const i = sibs.indexOf(current);
      move(sibs[i + (e.key === 'ArrowLeft' ? -1 : 1)]);
    } else if (e.key === 'Delete' || e.key === 'Backspace') {
      e.preventDefault();
      removeSelection();
    } else if (e.key === 'F2' && current) {
      e.preventDefault();
      setRenaming(current);
    } else if (ctrl && e.key.toLowerCase() === 'c' && selectedList.length) {
      e.preventDefault();
      post({ type: 'copy', names: selectedList });
    } else if (ctrl && e.key.toLowerCase() === 'v') {
      e.preventDefault();
      post({ type: 'paste' });
    } else if (ctrl && e.key.toLowerCase() === 'd' && selectedList.length) {
      e.preventDefault();
      edit({ op: 'duplicate', names: selectedList });
    } else if (ctrl && e.key.toLowerCase() === 'a') {
      e.preventDefault();
      setSelected(new Set(g.layers.map((l) => l.name)));
    } else if (e.key === 'Escape') {
      setSelected(new Set());
      setSelectedEdge(null);
    }
    // Ctrl+Z / Ctrl+Shift+Z / Ctrl+Y are not handled: VS Code runs its Undo/Redo on the document.
  };

  if (loadError) return <ErrorView {...loadError} />;
  if (!state) {
    return (
      <main className="ms-loading" aria-busy="true">
        <span className="codicon codicon-loading codicon-modifier-spin" /> Loading model…
      </main>
    );
  }
  const errors = state.diagnostics.filter((d) => d.severity === 'error');
  const warnings = state.diagnostics.filter((d) => d.severity === 'warning');
  const target = selectedEdge
    ? `Enter inserts on ${selectedEdge.from} → ${selectedEdge.to}`
    : selectedList.length
      ? `Enter appends after ${selectedList[selectedList.length - 1]}`
      : 'Enter appends to the model';
  const modelProblems = state.diagnostics.filter((d) => !d.layer);

  return (
    <div className={`ms-app${showSummary ? ' with-summary' : ''}`}>
      <header className="ms-toolbar" role="toolbar" aria-label="Editor actions">
        <ToolButton icon="screen-full" label="Fit to view" onClick={() => setFitSignal((n) => n + 1)} />
        <ToolButton icon="type-hierarchy" label="Re-layout" onClick={() => void relayout()} />
        <ToolButton icon="list-flat" label="Summary" pressed={showSummary} onClick={() => setShowSummary((s) => !s)} />
        <span className="ms-sep" />
        <ToolButton icon="copy" label="Copy" disabled={!selectedList.length} onClick={() => post({ type: 'copy', names: selectedList })} />
        <ToolButton icon="clippy" label="Paste" onClick={() => post({ type: 'paste' })} />
        <ToolButton icon="files" label="Duplicate" disabled={!selectedList.length} onClick={() => edit({ op: 'duplicate', names: selectedList })} />
        <ToolButton icon="trash" label="Delete" disabled={!selectedList.length && !selectedEdge} onClick={removeSelection} />
        <span className="ms-spacer" />
        <span className="ms-status" data-testid="status">
          <span className={errors.length ? 'ms-status-error' : 'ms-status-ok'} data-testid="error-count">
            <span className={`codicon codicon-${errors.length ? 'error' : 'pass'}`} /> {errors.length}
          </span>
          <span className="ms-status-warning">
            <span className="codicon codicon-warning" /> {warnings.length}
          </span>
          <span>
            {formatCount(state.totals.total)} params{state.dirty ? ' • unsaved' : ''}
          </span>
        </span>
      </header>
      {notice && (
        <div className="ms-notice" role="alert" data-testid="notice">
          <span className="codicon codicon-warning" /> {notice.message}
          {notice.hint && <span className="ms-muted"> — {notice.hint}</span>}
          <button className="ms-link" onClick={() => setNotice(null)} aria-label="Dismiss">
            <span className="codicon codicon-close" />
          </button>
        </div>
      )}
      <Palette
        query={query}
        onQuery={setQuery}
        onPick={pick}
        target={target}
      />
      <div className="ms-center">
        <div className="ms-canvas-box" ref={canvasBox} tabIndex={0} onKeyDown={onCanvasKey} aria-label="Model graph" data-testid="canvas">
          {state.graph.layers.length === 0 && (
            <div className="ms-empty-canvas">
              <span className="codicon codicon-layers" /> Empty model. Add an <b>InputLayer</b> from the palette (search, then Enter, or drag it here).
            </div>
          )}
          <ReactFlowProvider>
            <Canvas
              state={state}
              positions={positions}
              selected={selected}
              selectedEdge={selectedEdge}
              renaming={renaming}
              fitSignal={fitSignal}
              defaultViewport={initial.viewport}
              onSelection={(u) => setSelected((prev) => u(prev))}
              onSelectEdge={setSelectedEdge}
              onRenameDone={(from, to) => {
                setRenaming(null);
                if (to) edit({ op: 'rename', from, to });
                canvasBox.current?.focus();
              }}
              onConnect={(from, to) => edit({ op: 'connect', from, to })}
              onMove={(p) => edit({ op: 'move', positions: { ...autoLayout(), ...p } })}
              onDropLayer={(className, at, onEdge) =>
                edit(
                  onEdge
                    ? { op: 'insertBetween', from: onEdge.from, to: onEdge.to, className, position: at, layout: autoLayout() }
                    : { op: 'add', className, position: at, layout: autoLayout() },
                )
              }
              onViewport={(v: Viewport) => saveViewState({ viewport: v })}
            />
          </ReactFlowProvider>
        </div>
        {showSummary && <SummaryView state={state} onSelect={selectOnly} />}
      </div>
      <aside className="ms-side" aria-label="Side panel">
        <SideTabs tab={sideTab} onTab={setSideTab} />
        {sideTab === 'training' ? (
          <div role="tabpanel" id="ms-tabpanel-training" aria-labelledby="ms-tab-training">
            <TrainingPanel
              saved={state.training}
              picked={picked}
              focusSignal={trainingFocus}
              onApply={(training) => edit({ op: 'setTrainingConfig', training })}
              onBrowse={(kind) => post({ type: 'browseDataset', kind })}
              onTrain={() => post({ type: 'train' })}
            />
          </div>
        ) : (
          <div role="tabpanel" id="ms-tabpanel-properties" aria-labelledby="ms-tab-properties">
        {single ? (
          <Properties
            layer={single}
            info={state.layers.find((l) => l.name === single.name)}
            diagnostics={state.diagnostics.filter((d) => d.layer === single.name)}
            isOutput={state.graph.outputs.includes(single.name)}
            onSetField={(field, value) => edit({ op: 'setField', layer: single.name, field, value })}
            onRename={(to) => edit({ op: 'rename', from: single.name, to })}
            onSetOutput={(output) => edit({ op: 'setOutput', layer: single.name, output })}
          />
        ) : (
          <section className="ms-props">
            <div className="ms-panel-title">{selectedList.length > 1 ? `${selectedList.length} layers selected` : 'Model'}</div>
            <table className="ms-kv">
              <tbody>
                <tr>
                  <th>Name</th>
                  <td>{state.graph.name}</td>
                </tr>
                <tr>
                  <th>Layers</th>
                  <td>{state.graph.layers.length}</td>
                </tr>
                <tr>
                  <th>Inputs</th>
                  <td>{state.graph.inputs.join(', ') || '—'}</td>
                </tr>
                <tr>
                  <th>Outputs</th>
                  <td>{state.graph.outputs.join(', ') || '—'}</td>
                </tr>
                <tr>
                  <th>Parameters</th>
                  <td>{formatCount(state.totals.total)}</td>
                </tr>
                <tr>
                  <th>Weights</th>
                  <td>{state.weightCount ? `${state.weightCount} tensors in the file` : 'none (architecture only)'}</td>
                </tr>
              </tbody>
            </table>
            {modelProblems.map((d, i) => (
              <div key={i} className={`ms-diag ms-diag-${d.severity}`} data-testid="model-diagnostic">
                <span className={`codicon codicon-${d.severity === 'error' ? 'error' : 'warning'}`} />
                <span>
                  {d.message}
                  {d.hint && <span className="ms-muted"> — {d.hint}</span>}
                </span>
              </div>
            ))}
            <p className="ms-muted ms-help">
              Select a layer to edit it. Tab walks the layers, arrows follow connections, F2 renames, Delete removes, Ctrl+C / Ctrl+V copy
              between models, Shift+drag selects a box.
            </p>
          </section>
        )}
          </div>
        )}
      </aside>
    </div>
  );
}

/** Properties | Training, as an ARIA tab list (arrow keys move between the tabs). */
function SideTabs({ tab, onTab }: { tab: 'properties' | 'training'; onTab(t: 'properties' | 'training'): void }) {
  const tabs = [
    { id: 'properties' as const, label: 'Properties', icon: 'symbol-property' },
    { id: 'training' as const, label: 'Training', icon: 'pulse' },
  ];
  const onKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    e.preventDefault();
    const next = tabs[(tabs.findIndex((t) => t.id === tab) + 1) % tabs.length].id;
    onTab(next);
    document.getElementById(`ms-tab-${next}`)?.focus();
  };
  return (
    <div className="ms-tabs" role="tablist" aria-label="Side panel" onKeyDown={onKey}>
      {tabs.map((t) => (
        <button
          key={t.id}
          id={`ms-tab-${t.id}`}
          role="tab"
          className={`ms-tab${tab === t.id ? ' active' : ''}`}
          aria-selected={tab === t.id}
          aria-controls={`ms-tabpanel-${t.id}`}
          tabIndex={tab === t.id ? 0 : -1}
          onClick={() => onTab(t.id)}
        >
          <span className={`codicon codicon-${t.icon}`} aria-hidden="true" /> {t.label}
        </button>
      ))}
    </div>
  );
}

function ToolButton(p: { icon: string; label: string; onClick(): void; disabled?: boolean; pressed?: boolean }) {
  return (
    <button
      className={`ms-tool${p.pressed ? ' pressed' : ''}`}
      title={p.label}
      aria-label={p.label}
      aria-pressed={p.pressed}
      disabled={p.disabled}
      onClick={p.onClick}
    >
      <span className={`codicon codicon-${p.icon}`} aria-hidden="true" />
      <span className="ms-tool-label">{p.label}</span>
    </button>
  );
}
