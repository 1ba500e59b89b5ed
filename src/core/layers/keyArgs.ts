/**
 * The few arguments that say what a layer does, shown under its type on the canvas as Netron does
 * ("units 64 · relu", "filters 32 · kernel 3×3 · strides 2×2"). The catalog decides which exist for a
 * class; this table decides which of them matter and when: the always-shown ones, and the ones worth
 * showing only when they differ from Keras' default (strides 1, padding "valid"...).
 */
import type { Json, LayerNode } from '../types';
import { getSpec, withDefaults } from './index';

export interface KeyArg {
  /** The Keras config key. */
  field: string;
  /** What the canvas shows, e.g. `units 64`, `kernel 3×3`, `relu`. */
  text: string;
}

/** In display order. `label` '' shows the value alone (the activation's name says what it is). */
const KEY_FIELDS: readonly { field: string; label: string; whenNotDefault?: boolean; tuple?: boolean }[] = [
  { field: 'units', label: 'units' },
  { field: 'filters', label: 'filters' },
  { field: 'num_heads', label: 'heads' },
  { field: 'key_dim', label: 'key_dim' },
  { field: 'input_dim', label: 'vocab' },
  { field: 'output_dim', label: 'dim' },
  { field: 'kernel_size', label: 'kernel' },
  { field: 'pool_size', label: 'pool' },
  { field: 'size', label: 'size' },
  { field: 'strides', label: 'strides', whenNotDefault: true },
  { field: 'dilation_rate', label: 'dilation', whenNotDefault: true },
  { field: 'padding', label: 'padding', whenNotDefault: true },
  { field: 'depth_multiplier', label: 'depth ×', whenNotDefault: true },
  { field: 'target_shape', label: 'shape', tuple: true },
  { field: 'dims', label: 'dims', tuple: true },
  { field: 'n', label: 'n' },
  { field: 'rate', label: 'rate' },
  { field: 'stddev', label: 'stddev' },
  { field: 'axis', label: 'axis', whenNotDefault: true },
  { field: 'return_sequences', label: 'sequences', whenNotDefault: true },
  { field: 'activation', label: '' },
];

/** An activation that does nothing is not worth a word on the node. */
const SILENT_ACTIVATIONS = new Set(['linear', null]);

/** The key arguments of `layer`, from its config with Keras' defaults filled in; [] for an unknown class. */
export function keyArguments(layer: LayerNode): KeyArg[] {
  const spec = getSpec(layer.className);
  if (!spec) return [];
  const config = withDefaults(layer.className, layer.config);
  const out: KeyArg[] = [];
  for (const k of KEY_FIELDS) {
    const field = spec.fields.find((f) => f.name === k.field);
    const value = config[k.field];
    if (!field || value === undefined) continue;
    if (k.whenNotDefault && JSON.stringify(value) === JSON.stringify(field.default)) continue;
    if (k.field === 'activation' && (typeof value !== 'string' || SILENT_ACTIVATIONS.has(value))) continue;
    if (k.field === 'return_sequences') {
      if (value === true) out.push({ field: k.field, text: 'all steps' });
      continue;
    }
    const text = valueText(value, k.tuple);
    out.push({ field: k.field, text: k.label ? `${k.label} ${text}` : text });
  }
  return out;
}

/** "units 64 · relu": the key arguments as one line. */
export function keyArgumentsText(layer: LayerNode): string {
  return keyArguments(layer)
    .map((a) => a.text)
    .join(' · ');
}

/** A window size reads 3×3; a shape or a permutation reads (7, 7, 64) as Keras prints it. */
function valueText(v: Json, tuple = false): string {
  if (Array.isArray(v)) {
    return !tuple && v.every((x) => typeof x === 'number') ? v.join('×') : `(${v.map((x) => (x === null ? 'None' : String(x))).join(', ')})`;
  }
  if (v === null) return 'None';
  return typeof v === 'object' ? '…' : String(v);
}
