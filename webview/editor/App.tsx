/**
 * The graph editor app: toolbar, palette, canvas, properties and summary. It renders the state the host
 * sends and turns user gestures into edit intents; it never changes the model itself. Undo/redo keys are
 * left to VS Code, which owns the edit stack.
 */
import { useMemo, useRef, useState } from 'react';
import { ErrorView } from './ErrorView';
import { GraphPane } from './GraphPane';
import { useCanvasKeys } from './hooks/useCanvasKeys';
import { relayout, useFitSignal, useLayerPositions, useLayoutAfterEdits } from './hooks/useGraphLayout';
import { useHostState } from './hooks/useHostState';
import { useSelectedLayers, useSelection } from './hooks/useSelection';
import { useSideTab } from './hooks/useSideTab';
import { useViewState } from './hooks/useViewState';
import { layoutDirection, savedPositions } from './layout';
import { NoticeBar } from './NoticeBar';
import { Palette } from './Palette';
import { paletteTarget, removeSelection } from './selectionActions';
import { SidePanel } from './SidePanel';
import { SummaryView } from './SummaryView';
import { Toolbar } from './Toolbar';
import { ViewerApp } from './viewer/ViewerApp';
import { edit, loadViewState, post } from './vscodeApi';

export function App() {
  const initialViewport = useMemo(() => loadViewState().viewport, []);
  const sel = useSelection();
  const [renaming, setRenaming] = useState<string | null>(null);
  const [showSummary, setShowSummary] = useViewState('showSummary', false);
  const [query, setQuery] = useViewState('paletteQuery', '');
  const [chosenDirection, setChosenDirection] = useViewState('layoutDirection', 'auto');
  const side = useSideTab();
  const { fitSignal, fit } = useFitSignal();
  const host = useHostState({
    state: sel.follow,
    relayout: (s) => void relayout(s?.graph, fit, chosenDirection !== 'auto' ? chosenDirection : s ? layoutDirection(s.graph, savedPositions(s.graph)) : 'DOWN'),
    showSummary: () => setShowSummary(true),
    showTraining: side.showTraining,
    revealLayer: (name) => {
      sel.selectOnly(name);
      side.setTab('properties');
    },
  });
  const { state } = host;
  const { positions, autoLayout } = useLayerPositions(state, fit);
  // The toolbar's choice, else the saved drawing's own direction (it persists as the layout does).
  const direction = chosenDirection !== 'auto' ? chosenDirection : state ? layoutDirection(state.graph, positions) : 'DOWN';
  useLayoutAfterEdits(state, positions, direction);
  const selectedList = useSelectedLayers(state, sel.selected);
  const canvasBox = useRef<HTMLDivElement>(null);
  const clearEdge = () => sel.setSelectedEdge(null);
  const remove = () => removeSelection(selectedList, sel.selectedEdge, clearEdge);
  const onCanvasKey = useCanvasKeys({
    state,
    renaming,
    selectedList,
    remove,
    selectOnly: sel.selectOnly,
    selectAll: () => sel.setSelected(new Set(state?.graph.layers.map((l) => l.name))),
    clear: sel.clear,
    rename: setRenaming,
  });

  if (host.loadError) return <ErrorView {...host.loadError} />;
  if (host.viewer) return <ViewerApp {...host.viewer} selected={sel.selected.size === 1 ? [...sel.selected][0]! : null} setSelected={(id) => (id ? sel.selectOnly(id) : sel.clear())} />;
  if (!state) {
    return (
      <main className="ms-loading" aria-busy="true">
        <span className="codicon codicon-loading codicon-modifier-spin" /> Loading model…
      </main>
    );
  }
  const { target, pick } = paletteTarget(selectedList, sel.selectedEdge, clearEdge);
  return (
    <div className={`ms-app${showSummary ? ' with-summary' : ''}`}>
      <Toolbar
        state={state}
        showSummary={showSummary}
        horizontal={direction === 'RIGHT'}
        hasSelection={selectedList.length > 0}
        canRemove={selectedList.length > 0 || !!sel.selectedEdge}
        on={{
          fit,
          relayout: () => void relayout(state.graph, fit, direction),
          toggleDirection: () => {
            const next = direction === 'RIGHT' ? 'DOWN' : 'RIGHT';
            setChosenDirection(next);
            void relayout(state.graph, fit, next);
          },
          toggleSummary: () => setShowSummary((s) => !s),
          copy: () => post({ type: 'copy', names: selectedList }),
          paste: () => post({ type: 'paste' }),
          duplicate: () => edit({ op: 'duplicate', names: selectedList }),
          remove,
        }}
      />
      {host.notice && <NoticeBar notice={host.notice} onDismiss={host.dismissNotice} />}
      <Palette query={query} onQuery={setQuery} onPick={pick} target={target} />
      <div className="ms-center">
        <GraphPane
          state={state}
          positions={positions}
          autoLayout={autoLayout}
          horizontal={direction === 'RIGHT'}
          renaming={renaming}
          fitSignal={fitSignal}
          boxRef={canvasBox}
          onKeyDown={onCanvasKey}
          selection={sel}
          onRenameDone={(from, to) => {
            setRenaming(null);
            if (to) edit({ op: 'rename', from, to });
            canvasBox.current?.focus();
          }}
          defaultViewport={initialViewport}
        />
        {showSummary && <SummaryView state={state} onSelect={sel.selectOnly} />}
      </div>
      <SidePanel state={state} tab={side.tab} onTab={side.setTab} selectedList={selectedList} picked={host.picked} speed={host.speed} trainingFocus={side.trainingFocus} />
    </div>
  );
}
