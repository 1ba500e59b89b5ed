/** A piece of UI state that survives the panel being hidden: read from the view state once, saved on change. */
import { useEffect, useState } from 'react';
import { loadViewState, saveViewState, type ViewState } from '../vscodeApi';

export function useViewState<K extends keyof ViewState>(key: K, fallback: NonNullable<ViewState[K]>) {
  const [value, setValue] = useState<NonNullable<ViewState[K]>>(() => loadViewState()[key] ?? fallback);
  useEffect(() => saveViewState({ [key]: value } as Partial<ViewState>), [value]); // eslint-disable-line react-hooks/exhaustive-deps
  return [value, setValue] as const;
}
