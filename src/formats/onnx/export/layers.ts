/**
 * The table of layer exporters, one family module each. A Keras class is exportable exactly when it is in
 * this table (and its exporter's `check` accepts its settings): there is no second list.
 */
import type { JsonObject, LayerNode, Shape } from '../../../core/types';
import { activationExporters } from './activations';
import { attentionExporters } from './attention';
import { attentionOperationExporters } from './attentionOps';
import { ACTIVATIONS, activationOf, type LayerExporter } from './context';
import { convolutionExporters } from './convolution';
import { coreExporters } from './core';
import { matrixOperationExporters } from './matrixOps';
import { mergeExporters } from './merge';
import { normalizeOperationExporters } from './normalizeOps';
import { normalizationExporters } from './normalization';
import { operationExporters } from './operations';
import { poolingExporters } from './pooling';
import { recurrentExporters } from './recurrent';
import { reshapingExporters } from './reshaping';
import { rmsNormalizationExporters } from './rmsNormalization';

const EXPORTERS = new Map<string, LayerExporter>(
  Object.entries({
    ...coreExporters,
    ...activationExporters,
    ...convolutionExporters,
    ...poolingExporters,
    ...normalizationExporters,
    ...mergeExporters,
    ...reshapingExporters,
    ...recurrentExporters,
    ...attentionExporters,
    ...operationExporters,
    ...attentionOperationExporters,
    ...rmsNormalizationExporters,
    ...matrixOperationExporters,
    ...normalizeOperationExporters,
  }),
);

/** Why a layer cannot be exported, or undefined when it can. */
export function unsupportedReason(layer: LayerNode, c: JsonObject, inShapes: Shape[]): string | undefined {
  if (c.data_format === 'channels_first') return 'channels_first data is not supported';
  if ('activation' in c && !ACTIVATIONS.has(activationOf(c))) return `activation "${activationOf(c)}" has no ONNX form here`;
  const exporter = EXPORTERS.get(layer.className);
  if (!exporter) return 'ONNX export does not support this layer';
  return exporter.check?.(layer, c, inShapes);
}

/** The exporter of a class that `unsupportedReason` accepted. */
export function exporterFor(className: string): LayerExporter {
  const exporter = EXPORTERS.get(className);
  if (!exporter) throw new Error(`layer ${className} reached the emitter`);
  return exporter;
}
