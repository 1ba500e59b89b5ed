/**
 * The layer palette: searchable, grouped by catalog category. Drag a layer onto the canvas (or onto a
 * connection to insert it there); Enter or double-click puts it after the selection, Shift+Enter or Shift+double-click
 * starts a new branch from the selected layer (another head). From the keyboard
 * the list is one Tab stop (a roving tabindex: arrows, Home and End move inside it) and "/" anywhere in the
 * editor goes to the search.
 */
import { Fragment, useEffect, useMemo, useRef, useState, type KeyboardEvent, type RefObject } from 'react';
import { allSpecs } from '../../src/core/layers';
import { CATEGORY_ORDER, categoryIcon } from './format';
import { useElementEvent } from './elements';

export const LAYER_DRAG_TYPE = 'application/x-model-studio-layer';

export function Palette(props: { query: string; onQuery(q: string): void; onPick(className: string, branch: boolean): void; target: string }) {
  const specs = useMemo(() => allSpecs(), []);
  const search = useRef<HTMLElement & { value: string }>(null);
  const [active, setActive] = useState<string | null>(null);
  // The one item in the Tab order: the last one focused while it still matches, else the first.
  const [tabStop, setTabStop] = useState<string | null>(null);
  useElementEvent(search, 'input', (el) => props.onQuery(el.value));
  useSearchShortcut(search);
  const q = props.query.trim().toLowerCase();
  const matches = specs.filter((s) => !q || s.className.toLowerCase().includes(q) || s.doc.toLowerCase().includes(q) || s.category.toLowerCase().includes(q));
  // Exact and prefix matches first, so "dense" + Enter picks Dense.
  const rank = (c: string) => (c.toLowerCase() === q ? 0 : c.toLowerCase().startsWith(q) ? 1 : 2);
  const best = [...matches].sort((a, b) => rank(a.className) - rank(b.className))[0];
  const groups = CATEGORY_ORDER.map((cat) => ({ cat, items: matches.filter((s) => s.category === cat) })).filter((g) => g.items.length > 0);
  const shown = groups.flatMap((g) => g.items.map((s) => s.className));
  const stop = tabStop && shown.includes(tabStop) ? tabStop : shown[0];

  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && best) {
      e.preventDefault();
      props.onPick(best.className, e.shiftKey);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      (document.querySelector('.ms-palette-item') as HTMLElement | null)?.focus();
    }
  };
  const onItemKey = (e: KeyboardEvent<HTMLDivElement>, className: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onPick(className, e.shiftKey);
    } else if (['ArrowDown', 'ArrowUp', 'Home', 'End'].includes(e.key)) {
      e.preventDefault();
      const items = [...document.querySelectorAll<HTMLElement>('.ms-palette-item')];
      const i = items.indexOf(e.currentTarget);
      if (e.key === 'ArrowUp' && i === 0) return search.current?.focus();
      const to = e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : i + (e.key === 'ArrowDown' ? 1 : -1);
      items[Math.max(0, Math.min(items.length - 1, to))]?.focus();
    }
  };
  return (
    <aside className="ms-palette" aria-label="Layer palette">
      <div className="ms-panel-title">Layers</div>
      <vscode-textfield
        ref={search}
        class="ms-palette-search"
        placeholder="Search layers"
        value={props.query}
        aria-label="Search layers"
        title="Search layers (/), then Enter adds the best match; Tab goes to the list"
        aria-keyshortcuts="/"
        onKeyDown={onSearchKey}
      />
      <div className="ms-palette-target" title="Where Enter puts the layer">
        {props.target}
      </div>
      <div className="ms-palette-list" role="listbox" aria-label="Layer types">
        {groups.map((g) => (
          <div key={g.cat} className="ms-palette-group" role="group" aria-label={g.cat}>
            <div className="ms-palette-group-title">{g.cat}</div>
            {g.items.map((s) => (
              <div
                key={s.className}
                className={`ms-palette-item${active === s.className ? ' active' : ''}${best?.className === s.className && q ? ' best' : ''}`}
                role="option"
                aria-selected={active === s.className}
                tabIndex={s.className === stop ? 0 : -1}
                draggable
                title={s.doc}
                data-class={s.className}
                onFocus={() => {
                  setActive(s.className);
                  setTabStop(s.className);
                }}
                onBlur={() => setActive(null)}
                onDragStart={(e) => {
                  e.dataTransfer.setData(LAYER_DRAG_TYPE, s.className);
                  e.dataTransfer.setData('text/plain', s.className);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={(e) => props.onPick(s.className, e.shiftKey)}
                onKeyDown={(e) => onItemKey(e, s.className)}
              >
                <span className={`codicon codicon-${categoryIcon(s.className)}`} aria-hidden="true" />
                <span className="ms-palette-name">{breakable(s.className)}</span>
              </div>
            ))}
          </div>
        ))}
        {groups.length === 0 && <div className="ms-empty">No layer matches "{props.query}"</div>}
      </div>
    </aside>
  );
}

/** "/" outside a text field focuses the layer search (the tooltip says so). */
function useSearchShortcut(search: RefObject<HTMLElement | null>) {
  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey) return;
      const t = e.target as HTMLElement | null;
      if (t?.closest('input, textarea, vscode-textfield, vscode-single-select, [contenteditable="true"]')) return;
      e.preventDefault();
      search.current?.focus();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [search]);
}

/** A class name that may wrap between its words (GlobalAveragePooling2D -> Global|Average|Pooling2D), not clip. */
function breakable(name: string) {
  const words = name.split(/(?<=[a-z0-9])(?=[A-Z])/);
  return words.map((w, i) => (
    <Fragment key={i}>
      {i > 0 && <wbr />}
      {w}
    </Fragment>
  ));
}
