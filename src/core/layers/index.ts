/**
 * The layer catalog: one spec per Keras layer class, grouped by family file. Everything that needs to know
 * about a layer type (properties panel, validation, shapes, parameter counts, new layers) asks here.
 */
import type { JsonObject } from '../types';
import { activationLayers } from './activations';
import { attentionLayers } from './attention';
import { attentionOperationLayers } from './attentionOps';
import { convLstmLayers } from './convLstm';
import { convolutionLayers } from './convolution';
import { coreLayers } from './core';
import type { CatalogSpec } from './define';
import { embeddingLayers } from './embedding';
import { matrixOperationLayers } from './matrixOps';
import { mergeLayers } from './merge';
import { normalizationLayers } from './normalization';
import { normalizeOperationLayers } from './normalizeOps';
import { operationLayers } from './operations';
import { poolingLayers } from './pooling';
import { preprocessingLayers } from './preprocessing';
import { recurrentLayers } from './recurrent';
import { fillDefaults, lookupSpec, registerSpecs, registeredSpecs } from './registry';
import { regularizationLayers } from './regularization';
import { rmsNormalizationLayers } from './rmsNormalization';
import { reshapingLayers } from './reshaping';
import type { LayerSpec } from './spec';

registerSpecs([
  ...coreLayers,
  ...convolutionLayers,
  ...poolingLayers,
  ...reshapingLayers,
  ...normalizationLayers,
  ...rmsNormalizationLayers,
  ...regularizationLayers,
  ...preprocessingLayers,
  ...embeddingLayers,
  ...recurrentLayers,
  ...convLstmLayers,
  ...mergeLayers,
  ...attentionLayers,
  ...activationLayers,
  ...operationLayers,
  ...attentionOperationLayers,
  ...matrixOperationLayers,
  ...normalizeOperationLayers,
]);

export type { CatalogSpec } from './define';

export function getSpec(className: string): LayerSpec | undefined {
  return lookupSpec(className);
}

/** Every spec, in catalog order (families as in the palette). */
export function allSpecs(): LayerSpec[] {
  return registeredSpecs();
}

/**
 * The config with every default filled in (fields already set are kept, unknown keys too). Keras 3's
 * InputLayer `batch_shape` becomes `batch_input_shape`. Unknown classes come back unchanged.
 */
export function withDefaults(className: string, config: JsonObject): JsonObject {
  const spec = lookupSpec(className);
  return spec ? fillDefaults(spec, config) : { ...config };
}

/** The config a freshly added layer gets: Keras' defaults plus sensible values for required fields. */
export function newLayerConfig(className: string): JsonObject {
  const spec: CatalogSpec | undefined = lookupSpec(className);
  if (!spec) return {};
  return fillDefaults(spec, structuredClone(spec.newConfig ?? {}));
}
