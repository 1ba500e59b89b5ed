/**
 * Text <-> config value for the properties panel, by catalog field type. Parsing only turns text into
 * JSON; whether the value is allowed is decided by the core's validateField, shared with the host.
 */
import type { Json } from '../../src/core/types';
import type { FieldSpec } from '../../src/core/layers/spec';

export type Parsed = { ok: true; value: Json } | { ok: false; error: string };

export function formatValue(f: FieldSpec, v: Json | undefined): string {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (f.type === 'ints' && Array.isArray(v)) return v.join(', ');
  return JSON.stringify(v);
}

function parseNumber(text: string, integer: boolean): Parsed {
  const t = text.trim();
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return { ok: false, error: integer ? 'must be a whole number' : 'must be a number' };
  const n = Number(t);
  if (integer && !Number.isInteger(n)) return { ok: false, error: 'must be a whole number' };
  return { ok: true, value: n };
}

/** Parses what the user typed. Empty text means null for nullable fields. */
export function parseValue(f: FieldSpec, text: string): Parsed {
  const t = text.trim();
  if (t === '' && (f.nullable || f.default === null)) return { ok: true, value: null };
  switch (f.type) {
    case 'int':
      return parseNumber(t, true);
    case 'float':
      return parseNumber(t, false);
    case 'bool':
      return t === 'true' || t === 'false' ? { ok: true, value: t === 'true' } : { ok: false, error: 'must be true or false' };
    case 'string':
    case 'enum':
    case 'activation':
      return { ok: true, value: t };
    case 'ints': {
      // "3" or "3, 3" or "[3, 3]"; a single int is broadcast by Keras.
      const body = t.replace(/^[[(]|[\])]$/g, '');
      const parts = body.split(/[\s,]+/).filter(Boolean);
      if (parts.length === 0) return { ok: false, error: 'enter one or more whole numbers, e.g. 3, 3' };
      const nums: number[] = [];
      for (const p of parts) {
        const r = parseNumber(p, true);
        if (!r.ok) return { ok: false, error: 'enter whole numbers separated by commas, e.g. 3, 3' };
        nums.push(r.value as number);
      }
      return { ok: true, value: parts.length === 1 && !t.startsWith('[') && !t.startsWith('(') ? nums[0] : nums };
    }
    default:
      try {
        return { ok: true, value: JSON.parse(t.replace(/\bNone\b/g, 'null')) as Json };
      } catch {
        return { ok: false, error: 'must be JSON, e.g. [null, 28, 28, 1]' };
      }
  }
}
