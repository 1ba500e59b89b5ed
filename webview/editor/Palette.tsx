/**
 * The layer palette: searchable, grouped by catalog category. Drag a layer onto the canvas (or onto a
 * connection to insert it there); Enter or double-click appends it after the selection.
 */
import { useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { allSpecs } from '../../src/core/layers';
import { CATEGORY_ORDER, categoryIcon } from './format';
import { useElementEvent } from './elements';

export const LAYER_DRAG_TYPE = 'application/x-model-studio-layer';

export function Palette(props: { query: string; onQuery(q: string): void; onPick(className: string): void; target: string }) {
  const specs = useMemo(() => allSpecs(), []);
  const search = useRef<HTMLElement & { value: string }>(null);
  const [active, setActive] = useState<string | null>(null);
  useElementEvent(search, 'input', (el) => props.onQuery(el.value));
  const q = props.query.trim().toLowerCase();
  const matches = specs.filter((s) => !q || s.className.toLowerCase().includes(q) || s.doc.toLowerCase().includes(q) || s.category.toLowerCase().includes(q));
  // Exact and prefix matches first, so "dense" + Enter picks Dense.
  const rank = (c: string) => (c.toLowerCase() === q ? 0 : c.toLowerCase().startsWith(q) ? 1 : 2);
  const best = [...matches].sort((a, b) => rank(a.className) - rank(b.className))[0];
  const groups = CATEGORY_ORDER.map((cat) => ({ cat, items: matches.filter((s) => s.category === cat) })).filter((g) => g.items.length > 0);

  const onSearchKey = (e: KeyboardEvent) => {
    if (e.key === 'Enter' && best) {
      e.preventDefault();
      props.onPick(best.className);
    } else if (e.key === 'ArrowDown') {
      e.preventDefault();
      (document.querySelector('.ms-palette-item') as HTMLElement | null)?.focus();
    }
  };
  const onItemKey = (e: KeyboardEvent<HTMLDivElement>, className: string) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      props.onPick(className);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const items = [...document.querySelectorAll<HTMLElement>('.ms-palette-item')];
      const i = items.indexOf(e.currentTarget);
      items[Math.max(0, Math.min(items.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))]?.focus();
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
                tabIndex={0}
                draggable
                title={s.doc}
                data-class={s.className}
                onFocus={() => setActive(s.className)}
                onBlur={() => setActive(null)}
                onDragStart={(e) => {
                  e.dataTransfer.setData(LAYER_DRAG_TYPE, s.className);
                  e.dataTransfer.setData('text/plain', s.className);
                  e.dataTransfer.effectAllowed = 'copy';
                }}
                onDoubleClick={() => props.onPick(s.className)}
                onKeyDown={(e) => onItemKey(e, s.className)}
              >
                <span className={`codicon codicon-${categoryIcon(s.className)}`} aria-hidden="true" />
                <span className="ms-palette-name">{s.className}</span>
              </div>
            ))}
          </div>
        ))}
        {groups.length === 0 && <div className="ms-empty">No layer matches "{props.query}"</div>}
      </div>
    </aside>
  );
}
