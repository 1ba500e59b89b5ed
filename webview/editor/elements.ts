/**
 * The @vscode-elements/elements controls the editor uses (registered once) and their JSX typings.
 * Their events are read through `useElementEvent`, since React does not wire custom-element events.
 */
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-collapsible/index.js';
import '@vscode-elements/elements/dist/vscode-form-helper/index.js';
import { useEffect, type DetailedHTMLProps, type HTMLAttributes, type RefObject } from 'react';

type Base = DetailedHTMLProps<HTMLAttributes<HTMLElement>, HTMLElement> & { class?: string };

declare module 'react' {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace JSX {
    interface IntrinsicElements {
      'vscode-textfield': Base & {
        value?: string;
        type?: string;
        placeholder?: string;
        invalid?: boolean;
        min?: number;
        max?: number;
        step?: string;
      };
      'vscode-single-select': Base & { value?: string; invalid?: boolean };
      'vscode-option': Base & { value?: string; selected?: boolean; description?: string };
      'vscode-checkbox': Base & { checked?: boolean; label?: string };
      'vscode-button': Base & { secondary?: boolean; icon?: string; disabled?: boolean };
      'vscode-collapsible': Base & { title?: string; open?: boolean };
      'vscode-form-helper': Base;
    }
  }
}

/** Listens to a DOM event of a custom element; the handler may change between renders. */
export function useElementEvent<E extends HTMLElement>(ref: RefObject<E | null>, name: string, handler: (el: E, ev: Event) => void): void {
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const fn = (ev: Event) => handler(el, ev);
    el.addEventListener(name, fn);
    return () => el.removeEventListener(name, fn);
  }, [ref, name, handler]);
}
