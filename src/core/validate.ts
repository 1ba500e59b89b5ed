/**
 * Config validation against the catalog's FieldSpecs. The editor shows `validateField`'s message next to
 * the field; analysis turns `validateConfig`'s results into diagnostics. Messages are plain phrases that
 * read after the field name: "units must be an integer of at least 1".
 */
import { isObj } from './guards';
import { customCheck } from './layers/fields';
import { getSpec, withDefaults } from './layers';
import type { FieldSpec, LayerSpec } from './layers/spec';
import { isActivation, lookupVocab, ACTIVATIONS } from './layers/vocab';
import type { Diagnostic, Json, JsonObject } from './types';

const isInt = (v: Json): v is number => typeof v === 'number' && Number.isInteger(v);

function range(spec: FieldSpec, v: number): string | null {
  if (spec.min !== undefined && v < spec.min) return `must be at least ${spec.min}`;
  if (spec.max !== undefined && v > spec.max) return `must be at most ${spec.max}`;
  return null;
}

/** Why `value` is not valid for the field, or null when it is. `undefined` (unset) means the default. */
export function validateField(spec: FieldSpec, value: Json | undefined): string | null {
  if (value === undefined) return null;
  if (value === null) {
    if (spec.nullable) return null;
    // `json` fields with a null default take null; required fields (default null, not nullable) must be set.
    if (spec.type === 'json' && spec.default === null && !customCheck(spec)) return null;
    return 'must be set';
  }
  const custom = customCheck(spec);
  if (custom) {
    const err = custom(value);
    if (err) return err;
  }
  switch (spec.type) {
    case 'int':
      return isInt(value) ? range(spec, value) : 'must be a whole number';
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) ? range(spec, value) : 'must be a number';
    case 'bool':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'string':
      return typeof value === 'string' ? null : 'must be text';
    case 'enum':
      return typeof value === 'string' && spec.options?.includes(value)
        ? null
        : `must be one of ${(spec.options ?? []).map((o) => `'${o}'`).join(', ')}`;
    case 'ints': {
      const list = isInt(value) ? [value] : Array.isArray(value) && value.every(isInt) ? (value as number[]) : null;
      const n = spec.length;
      if (!list || (Array.isArray(value) && n !== undefined && value.length !== n && value.length !== 1)) {
        return n ? `must be an integer or a list of ${n} integers` : 'must be a list of integers';
      }
      for (const x of list) {
        const r = range(spec, x);
        if (r) return `entries ${r}`;
      }
      return null;
    }
    case 'shape':
      return Array.isArray(value) && value.every((d) => d === null || (isInt(d) && (d > 0 || d === -1)))
        ? null
        : 'must be a list of positive integers (null for unknown sizes)';
    case 'axis':
      return isInt(value) || (Array.isArray(value) && value.length > 0 && value.every(isInt)) ? null : 'must be an integer or a list of integers';
    case 'activation':
      return isActivation(value) ? null : `is not a known activation (use one of ${ACTIVATIONS.join(', ')})`;
    case 'initializer':
    case 'regularizer':
    case 'constraint': {
      if (isObj(value) && value.config !== undefined && !isObj(value.config)) return 'has a config that is not an object';
      return lookupVocab(spec.type, value) ? null : `is not a known ${spec.type}`;
    }
    case 'layer':
      return isObj(value) && typeof value.class_name === 'string' ? null : 'must be a layer config {"class_name": ..., "config": {...}}';
    case 'json':
      return null;
  }
}

/** Diagnostics for a config whose defaults are already filled in (analysis' fast path). */
export function validateFilledConfig(spec: LayerSpec, config: JsonObject): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const fld of spec.fields) {
    const err = validateField(fld, config[fld.name]);
    if (err) {
      out.push({
        severity: 'error',
        code: 'invalid-config',
        field: fld.name,
        message: `${fld.name} ${err}${config[fld.name] === null ? '' : ` (got ${preview(config[fld.name])})`}`,
        hint: `${fld.doc}${fld.default !== null ? `; Keras' default is ${preview(fld.default)}` : ''}`,
      });
    }
  }
  // A wrapper's inner layer is checked too, with the problems reported on the wrapper's `layer` field.
  for (const fld of spec.fields) {
    const v = config[fld.name];
    if (fld.type !== 'layer' || !isObj(v) || typeof v.class_name !== 'string') continue;
    const inner = isObj(v.config) ? v.config : {};
    for (const d of validateConfig(v.class_name, inner)) out.push({ ...d, field: fld.name, message: `inner ${v.class_name}: ${d.message}` });
  }
  return out;
}

/** Diagnostics (no `layer` set) for every invalid field of a layer config; unknown classes give one. */
export function validateConfig(className: string, config: JsonObject): Diagnostic[] {
  const spec = getSpec(className);
  if (!spec) {
    return [{ severity: 'error', code: 'unknown-layer', message: `unknown layer class "${className}"`, hint: 'use a layer from the catalog' }];
  }
  return validateFilledConfig(spec, withDefaults(className, config));
}

function preview(v: Json | undefined): string {
  const s = JSON.stringify(v) ?? 'undefined';
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}
