/**
 * The side panel: Properties (the selected layer, or the model overview) | Training (the training form).
 * Edits go straight to the host.
 */
import type { KeyboardEvent } from 'react';
import { modelShapesOf, type MeasuredSpeed } from '../../src/core/training';
import type { EditorState } from '../../src/protocol/editor';
import { ModelOverview } from './ModelOverview';
import { Properties } from './Properties';
import { TrainingForm } from './trainingForm/TrainingForm';
import type { PickedDataset } from './trainingForm/useTrainingDraft';
import { edit, post } from './vscodeApi';

export type SideTab = 'properties' | 'training';

interface Props {
  state: EditorState;
  tab: SideTab;
  onTab(t: SideTab): void;
  selectedList: string[];
  picked: PickedDataset;
  speed: MeasuredSpeed | null;
  trainingFocus: number;
}

export function SidePanel({ state, tab, onTab, selectedList, picked, speed, trainingFocus }: Props) {
  const single = selectedList.length === 1 ? state.graph.layers.find((l) => l.name === selectedList[0]) : undefined;
  return (
    <aside className="ms-side" aria-label="Side panel">
      <SideTabs tab={tab} onTab={onTab} />
      {tab === 'training' ? (
        <div role="tabpanel" id="ms-tabpanel-training" aria-labelledby="ms-tab-training">
          <TrainingForm
            saved={state.training}
            io={{ inputs: state.graph.inputs, outputs: state.graph.outputs }}
            shapes={modelShapesOf(state.graph, (n) => state.layers.find((l) => l.name === n)?.outputShape)}
            picked={picked}
            speed={speed}
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
            <ModelOverview state={state} selectedCount={selectedList.length} />
          )}
        </div>
      )}
    </aside>
  );
}

/** Properties | Training, as an ARIA tab list (arrow keys move between the tabs). */
function SideTabs({ tab, onTab }: { tab: SideTab; onTab(t: SideTab): void }) {
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
