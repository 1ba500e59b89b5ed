/**
 * `model-studio bench` (`npm run bench`): training speed of the templates on every engine that loads, one JSON
 * line per measurement: {bench:"train", engine, device, model, batch, samples_per_s, ms_per_step, steps,
 * loss_decreased}. The measuring is src/engine/tfjs/benchmark.ts `measureTraining`: synthetic data of the real
 * shapes, resident on the engine, after warm-up, ~3 s each, so it measures the engine and not the data path.
 * Options: --models, --batches, --engines, --seconds.
 */
import { getTemplate } from '../core/templates';
import { UserError } from '../core/types';
import { ENGINE_ORDER, loadEngine, type EngineId } from '../engine/tfjs/engines';
import { measureTraining, type TrainingSpeed } from '../engine/tfjs/benchmark';
import type { Tf } from '../engine/tfjs/tf';
import { benchKeras } from '../engine/keras/bench';
import { parse, out } from './io';

const USAGE = 'bench [--models mnist-mlp,mnist-cnn,autoencoder,char-rnn] [--batches 128,512] [--engines wasm,cpu,keras] [--seconds 3] [--python PATH]';
const DEFAULT_MODELS = ['mnist-mlp', 'mnist-cnn', 'autoencoder', 'char-rnn'];
/** A step predicted to take longer than this is not measured (the pure-JS conv backward can take minutes). */
const MAX_STEP_SECONDS = 30;

const list = (v: string | undefined, d: string[]) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : d);

export async function run(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { models: { type: 'string' }, batches: { type: 'string' }, engines: { type: 'string' }, seconds: { type: 'string' }, python: { type: 'string' } },
    USAGE,
    [0, 0],
  );
  const models = list(values.models, DEFAULT_MODELS);
  const batches = list(values.batches, ['128', '512']).map(Number);
  const all = list(values.engines, [...ENGINE_ORDER, 'keras']);
  // keras (the user's Python) is measured by its runner beside plain model.fit: src/engine/keras/bench.ts.
  const keras = all.includes('keras');
  const engines = all.filter((e) => e !== 'keras') as EngineId[];
  const seconds = Number(values.seconds ?? 3);
  for (const m of models) if (!getTemplate(m)) throw new UserError(`Unknown template "${m}".`, `Use: ${DEFAULT_MODELS.join(', ')}.`, 'usage');
  for (const e of engines) if (!ENGINE_ORDER.includes(e)) throw new UserError(`Unknown engine "${e}".`, `Use: ${ENGINE_ORDER.join(', ')}.`, 'usage');
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new UserError('--batches takes positive integers.', undefined, 'usage');
  let measured = 0;
  if (keras) {
    try {
      measured += await benchKeras(models.filter((m) => m.startsWith('mnist')), batches, seconds, (l) => out.stdout.write(`${l}\n`), values.python);
    } catch (e) {
      out.stderr.write(`bench: skipping keras: ${(e as UserError).message}\n`);
    }
  }
  for (const engine of engines) {
    let loaded;
    try {
      loaded = await loadEngine(engine);
    } catch (e) {
      out.stderr.write(`bench: skipping ${engine}: ${(e as UserError).message}\n`);
      continue;
    }
    for (const id of models) {
      for (const batch of batches) {
        let line: BenchLine;
        try {
          line = await measure(loaded.tf, engine, loaded.device, id, batch, seconds);
        } catch (e) {
          // An engine missing a kernel this model needs is a result worth printing, not a crash.
          const reason = (e as Error).message.split('\n')[0];
          line = { bench: 'train', engine, device: loaded.device, model: id, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null, skipped: reason };
        }
        out.stdout.write(`${JSON.stringify(line)}\n`);
        measured++;
      }
    }
  }
  return measured > 0 ? 0 : 1;
}

/** A measurement as one JSON line: what measureTraining reports, plus which bench and template. */
type BenchLine = { bench: 'train'; model: string } & TrainingSpeed;

/** One template on the current engine, as a JSON line (keys in this order). */
async function measure(tf: Tf, engine: string, device: string, id: string, batch: number, seconds: number): Promise<BenchLine> {
  const file = (getTemplate(id) as NonNullable<ReturnType<typeof getTemplate>>).build();
  const m = await measureTraining(tf, engine, device, file, batch, seconds, { maxStepSeconds: MAX_STEP_SECONDS });
  const line: BenchLine = {
    bench: 'train',
    engine,
    device,
    model: id,
    batch,
    samples_per_s: m.samples_per_s,
    ms_per_step: m.ms_per_step,
    steps: m.steps,
    loss_decreased: m.loss_decreased,
  };
  return m.skipped ? { ...line, skipped: m.skipped } : line;
}
