/**
 * `defineLayer`: how a family file declares one Keras layer class. Adds the base fields every Keras layer
 * config has (`trainable`, `dtype`) and carries the config a freshly added layer gets.
 */
import type { JsonObject } from '../types';
import { baseFields } from './fields';
import type { FieldSpec, LayerSpec } from './spec';

export interface CatalogSpec extends LayerSpec {
  /** Values for a new layer beyond the field defaults (required fields such as `units`). */
  newConfig?: JsonObject;
}

export function defineLayer(spec: Omit<CatalogSpec, 'fields'> & { fields: readonly FieldSpec[] }): CatalogSpec {
  return { ...spec, fields: [...spec.fields, ...baseFields] };
}
