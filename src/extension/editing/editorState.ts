/** The state message every editor panel renders, built from the current snapshot and its analysis. */
import { analyze, type Analysis } from '../../core/analysis';
import { summaryLayoutFor, summaryText } from '../../core/summary';
import type { TrainingConfig } from '../../core/training';
import type { ModelGraph } from '../../core/types';
import type { EditorState, LayerInfoDto } from '../../protocol/editor';

/** What the state message needs from the document besides the analysis. */
export interface StateSource {
  version: number;
  isDirty: boolean;
  graph: ModelGraph;
  weightCount: number;
  created: string[];
  trainingConfig: TrainingConfig | undefined;
  /** `keras_version` of the file the model came from: Keras 1/2 files get tf.keras 2's summary text. */
  kerasVersion?: string;
}

export function editorState(src: StateSource, a: Analysis, fileName: string): EditorState {
  const layers: LayerInfoDto[] = [];
  for (const name of a.order) {
    const info = a.layers.get(name);
    if (info) layers.push(toDto(info));
  }
  // Layers on a cycle are not in `order`; their info (if any) still goes along.
  for (const [name, info] of a.layers) if (!a.order.includes(name)) layers.push(toDto(info));
  let text = '';
  try {
    text = summaryText(src.graph, a, { layout: summaryLayoutFor(src.kerasVersion) });
  } catch (e) {
    text = `Summary unavailable: ${(e as Error).message}`;
  }
  return {
    version: src.version,
    fileName,
    dirty: src.isDirty,
    graph: src.graph,
    order: a.order,
    layers,
    diagnostics: a.diagnostics,
    totals: a.totals,
    summaryText: text,
    weightCount: src.weightCount,
    created: src.created,
    training: src.trainingConfig ?? null,
  };
}

function toDto(info: Analysis['layers'] extends Map<string, infer V> ? V : never): LayerInfoDto {
  return {
    name: info.name,
    className: info.className,
    inputShapes: info.inputShapes,
    outputShape: info.outputShape,
    weights: info.weights.map((w) => ({ name: w.name, shape: w.shape, trainable: w.trainable })),
    trainableParams: info.trainableParams,
    nonTrainableParams: info.nonTrainableParams,
  };
}

export function safeAnalyze(g: ModelGraph): Analysis {
  try {
    return analyze(g);
  } catch (e) {
    // Analysis reports problems as diagnostics; this only guards the editor against a bug in it.
    return {
      order: g.layers.map((l) => l.name),
      layers: new Map(),
      diagnostics: [{ severity: 'error', code: 'analysis-failed', message: `Shape inference failed: ${(e as Error).message}` }],
      totals: { total: 0, trainable: 0, nonTrainable: 0 },
    };
  }
}
