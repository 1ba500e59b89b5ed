/**
 * Python source text from JSON values and names: literals (tuples for lists, True/False/None), string
 * literals, and identifiers made from layer names. Pure text: no Node, no tfjs (the webview may use it).
 */
import type { Json } from '../types';

const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else',
  'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise',
  'return', 'try', 'while', 'with', 'yield', 'match', 'case', 'type',
]);

/** A Python string literal (JSON's escapes are valid Python escapes). */
export function pyStr(s: string): string {
  return JSON.stringify(s);
}

/** A Python number: floats keep a decimal point when `float` is set, so `0` reads `0.0`. */
export function pyNum(n: number, float = false): string {
  if (Number.isNaN(n)) return 'float("nan")';
  if (!Number.isFinite(n)) return n > 0 ? 'float("inf")' : '-float("inf")';
  const s = String(n);
  return float && Number.isInteger(n) && !/e/i.test(s) ? `${s}.0` : s;
}

/** A JSON value as a Python literal; arrays become tuples (what Keras' constructors take for shapes and sizes). */
export function pyValue(v: Json, float = false): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return pyNum(v, float);
  if (typeof v === 'string') return pyStr(v);
  if (Array.isArray(v)) return v.length === 1 ? `(${pyValue(v[0], float)},)` : `(${v.map((x) => pyValue(x, float)).join(', ')})`;
  return `{${Object.entries(v).map(([k, x]) => `${pyStr(k)}: ${pyValue(x, float)}`).join(', ')}}`;
}

/** A JSON value as a Python literal with lists kept as lists (for arguments documented as lists). */
export function pyList(v: Json): string {
  return Array.isArray(v) ? `[${v.map((x) => pyValue(x)).join(', ')}]` : pyValue(v);
}

/** A valid, non-keyword Python identifier from any name (`dense-1` -> `dense_1`, `1x1` -> `_1x1`). */
export function pyIdent(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (!s || /^\d/.test(s)) s = `_${s}`;
  return KEYWORDS.has(s) ? `${s}_` : s;
}

/** A CamelCase class name from a model name (`mnist-cnn` -> `MnistCnn`). */
export function pyClassName(name: string): string {
  const parts = name.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const s = parts.map((p) => p[0].toUpperCase() + p.slice(1)).join('');
  return !s ? 'GeneratedModel' : /^\d/.test(s) ? `Model${s}` : s;
}

/** Unique identifiers for a list of names, in order, avoiding `reserved`. */
export function uniqueIdents(names: readonly string[], reserved: ReadonlySet<string> = new Set()): Map<string, string> {
  const used = new Set(reserved);
  const out = new Map<string, string>();
  for (const n of names) {
    const base = pyIdent(n);
    let id = used.has(base) ? `${base}_layer` : base;
    for (let i = 2; used.has(id); i++) id = `${base}_${i}`;
    used.add(id);
    out.set(n, id);
  }
  return out;
}

/** Lines indented by `n` levels of four spaces (empty lines stay empty). */
export function indent(lines: readonly string[], n = 1): string[] {
  const pad = ' '.repeat(4 * n);
  return lines.map((l) => (l ? pad + l : l));
}
