/**
 * The model the Try tab runs, loaded in the predict-and-probe worker: its engine, the model built on it and
 * what the dataset knows (test samples, class names, vocabulary).
 */
import type { LoadRequest } from '../../protocol/predict';
import { rng } from '../datasets/source';
import { loadDataset } from '../datasets/spec';
import { ASCII_VOCAB } from '../datasets/text';
import { loadEngine, type EnginePreference } from './engines';
import { buildTfModel } from './model';
import type { TryContext } from './predict';

/**
 * Loads a model to try on an engine (wasm unless one is named; cpu when that fails), with the labelled test
 * set and the class names or vocabulary of its dataset when there is one. `previous` is disposed.
 */
export async function loadTryContext(req: LoadRequest, previous?: TryContext): Promise<{ ctx: TryContext; engine: string }> {
  const pref: EnginePreference = req.engine && req.engine !== 'auto' ? req.engine : 'wasm';
  let loaded;
  try {
    loaded = await loadEngine(pref, { extraDirs: req.engineDirs });
  } catch {
    loaded = await loadEngine('cpu');
  }
  const { tf } = loaded;
  previous?.model.dispose();
  const model = await buildTfModel(tf, req.model);
  const next: TryContext = { tf, model, training: req.training, random: req.seed !== undefined ? rng(req.seed) : undefined };
  const inputShape = model.inputs[0]?.shape.slice(1);
  if (req.training?.dataset) {
    try {
      const data = await loadDataset(req.training.dataset, { baseDir: req.baseDir, cacheDir: req.cacheDir, inputShape, timeoutMs: 15000 });
      next.test = data.test;
      const names = data.info.classNames;
      if (Array.isArray(names)) next.classNames = names.map(String);
      else if (data.test?.labels.kind === 'class' && data.test.labels.classNames) next.classNames = data.test.labels.classNames;
      if (typeof data.info.vocabulary === 'string') next.vocabulary = Array.from(data.info.vocabulary);
    } catch {
      // Trying the model does not need the dataset; without it there is no test-sample picker.
    }
  }
  // The char-rnn template's 96-symbol Embedding is the text dataset's default vocabulary.
  if (!next.vocabulary && model.inputs[0]?.dtype === 'int32') {
    const emb = model.layers.find((l) => l.getClassName() === 'Embedding');
    const inputDim = (emb?.getConfig() as { inputDim?: number } | undefined)?.inputDim;
    if (inputDim === ASCII_VOCAB.length) next.vocabulary = [...ASCII_VOCAB];
  }
  return { ctx: next, engine: loaded.device };
}
