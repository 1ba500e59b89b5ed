/**
 * The catalog's lookup table. Family files register their specs through `index.ts`; wrappers
 * (Bidirectional, TimeDistributed) look their inner layer up here at call time, which avoids an import cycle.
 */
import type { Json, JsonObject } from '../types';
import type { CatalogSpec } from './define';
import type { LayerSpec } from './spec';

const specs = new Map<string, CatalogSpec>();

export function registerSpecs(list: readonly CatalogSpec[]): void {
  for (const s of list) {
    if (specs.has(s.className)) throw new Error(`duplicate layer spec ${s.className}`);
    specs.set(s.className, s);
  }
}

export function lookupSpec(className: string): CatalogSpec | undefined {
  return specs.get(className);
}

export function registeredSpecs(): CatalogSpec[] {
  return [...specs.values()];
}

/**
 * Keys Keras renamed between versions, mapped onto the name the catalog uses (we write Keras-2 style,
 * which Keras 3 and TF.js both read). Keras 3's InputLayer says `batch_shape` where Keras 2 says
 * `batch_input_shape`; its LeakyReLU says `negative_slope` where Keras 2 and TF.js say `alpha`.
 */
const ALIASES: Record<string, Record<string, string>> = {
  InputLayer: { batch_shape: 'batch_input_shape' },
  LeakyReLU: { negative_slope: 'alpha' },
};

/** The config with every catalog default filled in (required fields stay null), aliases normalized. */
export function fillDefaults(spec: LayerSpec, config: JsonObject): JsonObject {
  const out: JsonObject = { ...config };
  const aliases = ALIASES[spec.className];
  if (aliases) {
    for (const [from, to] of Object.entries(aliases)) {
      if (from in out) {
        if (!(to in out) || out[to] === null) out[to] = out[from];
        delete out[from];
      }
    }
  }
  for (const fld of spec.fields) {
    const v = out[fld.name];
    // TF.js and Keras write `null` for optional arguments left unset (e.g. Embedding `mask_zero: null`,
    // GRU `implementation: null`); the layer then uses its default, and so do we.
    if (v === undefined || (v === null && !fld.nullable && fld.default !== null)) out[fld.name] = cloneJson(fld.default);
  }
  return out;
}

/** A deep copy of plain JSON; much cheaper than structuredClone for the small defaults (analysis is hot). */
export function cloneJson<T extends Json>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T;
  const o: JsonObject = {};
  for (const k of Object.keys(v)) o[k] = cloneJson((v as JsonObject)[k]);
  return o as T;
}
