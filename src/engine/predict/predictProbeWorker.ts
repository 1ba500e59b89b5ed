/**
 * The predict-and-probe worker: a child process that loads one model (../tfjs/tryContext.ts) and answers
 * predict and evaluate requests (../tfjs/predict.ts), so tfjs never runs on the extension host's event loop.
 * The host starts it when the Try tab is used and ends it when the model changes or the view closes. It also
 * answers the engine picker's questions: which engine loads (`probe`) and how fast each trains a model
 * (`probeSpeed`).
 */
import { isUserError, UserError } from '../../core/types';
import { isObj } from '../../core/guards';
import { describeProbe, findKeras } from '../keras/python';
import { loadEngine } from '../tfjs/engines';
import { probeEngines, sortFastestFirst, type ProbeRow } from '../tfjs/benchmark';
import { evaluateClasses, predict, tryInfoOf, type TryContext } from '../tfjs/predict';
import { loadTryContext } from '../tfjs/tryContext';
import { applyLimitsEnv } from '../../formats/limits';
import { parseToPredictWorker, type FromPredictWorker, type SpeedReport, type SpeedRequest } from '../../protocol/predict';

let ctx: TryContext | undefined;

function send(m: FromPredictWorker): void {
  process.send?.(m);
}

function errorOf(id: number, e: unknown): FromPredictWorker {
  if (isUserError(e)) return { type: 'error', id, message: e.message, hint: (e as UserError).hint };
  return { type: 'error', id, message: `The model could not be run: ${e instanceof Error ? e.message : String(e)}` };
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
  // This worker outlives settings changes: each request carries the host's limits.
  if (isObj(raw)) applyLimitsEnv(raw.limits);
  const m = parseToPredictWorker(raw);
  if (!m) return;
  try {
    switch (m.type) {
      case 'load': {
        const r = await loadTryContext(m.request, ctx);
        ctx = r.ctx;
        send({ type: 'loaded', id: m.id, info: tryInfoOf(ctx), engine: r.engine });
        break;
      }
      case 'predict':
        if (!ctx) throw new Error('no model loaded');
        send({ type: 'result', id: m.id, output: await predict(ctx, m.input) });
        break;
      case 'probe': {
        if (m.engine === 'keras') {
          // The user's Python, not tfjs: what a keras session would train on, or why it cannot.
          const p = await findKeras(m.python);
          if (!p.ok) throw new UserError(`The keras engine is not available: ${p.reason}`, p.hint, 'engine-unavailable');
          send({ type: 'probed', id: m.id, engine: 'keras', device: `keras · ${describeProbe(p)}`, skipped: [] });
          break;
        }
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
