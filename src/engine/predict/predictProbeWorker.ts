/**
 * The predict-and-probe worker: a child process that loads one model (with src/engine/tfjs/model.ts) and answers
 * predict and evaluate requests, so tfjs never runs on the extension host's event loop. The host starts it
 * when the Try tab is used and ends it when the model changes or the view closes. It also answers the engine
 * picker's questions: which engine loads (`probe`) and how fast each trains a model (`probeSpeed`).
 */
import { isUserError, type UserError } from '../../core/types';
import { loadEngine, type EnginePreference } from '../tfjs/engines';
import { buildTfModel } from '../tfjs/model';
import { probeEngines, sortFastestFirst, type ProbeRow } from '../tfjs/benchmark';
import { loadDataset } from '../datasets/spec';
import { ASCII_VOCAB } from '../datasets/text';
import { rng } from '../datasets/source';
import { evaluateClasses, predict, tryInfoOf, type TryContext } from '../tfjs/predict';
import { parseToPredictWorker, type FromPredictWorker, type LoadRequest, type SpeedReport, type SpeedRequest } from '../../protocol/predict';

let ctx: TryContext | undefined;

function send(m: FromPredictWorker): void {
  process.send?.(m);
}

function errorOf(id: number, e: unknown): FromPredictWorker {
  if (isUserError(e)) return { type: 'error', id, message: e.message, hint: (e as UserError).hint };
  return { type: 'error', id, message: `The model could not be run: ${e instanceof Error ? e.message : String(e)}` };
}

async function load(req: LoadRequest): Promise<{ ctx: TryContext; engine: string }> {
  const pref: EnginePreference = req.engine && req.engine !== 'auto' ? req.engine : 'wasm';
  let loaded;
  try {
    loaded = await loadEngine(pref, { extraDirs: req.engineDirs });
  } catch {
    loaded = await loadEngine('cpu');
  }
  const { tf } = loaded;
  ctx?.model.dispose();
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
    if (inputDim === ASCII_VOCAB.length) next.vocabulary = ASCII_VOCAB;
  }
  return { ctx: next, engine: loaded.device };
}

/** Measure the model on each engine, reporting before and after each one so the host can show progress. */
async function probeSpeed(id: number, req: SpeedRequest): Promise<SpeedReport> {
  // The probe switches tfjs backends; the loaded "try" model must keep running where it was built.
  const backendBefore = ctx?.tf.getBackend();
  const rows: ProbeRow[] = [];
  const skipped: SpeedReport['skipped'] = [];
  const report = (): SpeedReport => ({ batch: req.batch, rows: sortFastestFirst(rows), skipped: [...skipped] });
  try {
    await probeEngines(req.model, req.batch, {
      engines: req.engines,
      seconds: req.seconds,
      engineOptions: { extraDirs: req.engineDirs },
      onStart: ({ engine, done, total }) => send({ type: 'speedProgress', id, done, total, measuring: engine, report: report() }),
      onResult: ({ row, skipped: s, done, total }) => {
        if (row) rows.push(row);
        if (s) skipped.push(s);
        send({ type: 'speedProgress', id, done, total, report: report() });
      },
    });
  } finally {
    if (ctx && backendBefore && ctx.tf.getBackend() !== backendBefore) await ctx.tf.setBackend(backendBefore);
  }
  return report();
}

process.on('message', async (raw) => {
  const m = parseToPredictWorker(raw);
  if (!m) return;
  try {
    switch (m.type) {
      case 'load': {
        const r = await load(m.request);
        ctx = r.ctx;
        send({ type: 'loaded', id: m.id, info: tryInfoOf(ctx), engine: r.engine });
        break;
      }
      case 'predict':
        if (!ctx) throw new Error('no model loaded');
        send({ type: 'result', id: m.id, output: await predict(ctx, m.input) });
        break;
      case 'probe': {
        const e = await loadEngine(m.engine ?? 'auto', { extraDirs: m.engineDirs });
        send({ type: 'probed', id: m.id, engine: e.engine, device: e.device, skipped: e.skipped });
        break;
      }
      case 'probeSpeed':
        send({ type: 'speed', id: m.id, report: await probeSpeed(m.id, m.request) });
        break;
      case 'evaluate':
        if (!ctx) throw new Error('no model loaded');
        send({ type: 'evaluation', id: m.id, evaluation: await evaluateClasses(ctx, m.limit) });
        break;
    }
  } catch (e) {
    send(errorOf(m.id, e));
  }
});

// The host going away (VS Code closing) ends this process too.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
