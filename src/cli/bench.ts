/**
 * `model-studio bench` (`npm run bench`): training speed of the templates on every engine that loads, one JSON
 * line per measurement: {bench:"train", engine, device, model, batch, samples_per_s, ms_per_step, steps,
 * loss_decreased, gflops, gemm_fraction}. The measuring is src/engine/tfjs/benchmark.ts `measureTraining`:
 * synthetic data of the real shapes, resident on the engine, after warm-up, ~3 s each, so it measures the
 * engine and not the data path. First one {bench:"gemm"} line: the machine's sustained float32 matrix-product
 * rate in our fastest kernel (wasm's when it loads), the ceiling each line's GFLOP/s (training FLOPs per sample,
 * src/core/flops.ts, times samples/s) is a fraction of.
 * --python PATH: the same models through plain Keras (that Python's backend: JAX) and PyTorch, interleaved with
 * ours in rounds (ours, keras, torch, ours, ...) so the load of a shared machine hits all alike; medians of the
 * rounds and the ratios (vs_keras_plain_fit, vs_pytorch) on our lines.
 * Options: --models, --batches, --engines, --seconds, --rounds, --python.
 */
import { getTemplate } from '../core/templates';
import { UserError } from '../core/types';
import { ENGINE_ORDER, loadEngine, type EngineId } from '../engine/tfjs/engines';
import { measureGemm, measureTraining, type TrainingSpeed } from '../engine/tfjs/benchmark';
import type { Tf } from '../engine/tfjs/tf';
import { benchKeras, startPeers, type PeerSide, type Peers } from '../engine/keras/bench';
import { analyze } from '../core/analysis';
import { trainingFlopsPerSample } from '../core/flops';
import { parse, out } from './io';

const USAGE = 'bench [--models mnist-mlp,mnist-cnn,autoencoder,char-rnn] [--batches 128,512] [--engines wasm,cpu,keras] [--seconds 3] [--rounds 3] [--python PATH]';
const DEFAULT_MODELS = ['mnist-mlp', 'mnist-cnn', 'autoencoder', 'char-rnn'];
/** A step predicted to take longer than this is not measured (the pure-JS conv backward can take minutes). */
const MAX_STEP_SECONDS = 30;

const list = (v: string | undefined, d: string[]) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : d);

interface Loaded {
  tf: Tf;
  engine: EngineId;
  device: string;
  /** The tfjs backend it runs on (setBackend between rounds). */
  backend: string;
}

export async function run(args: string[]): Promise<number> {
  const { values } = parse(
    args,
    { models: { type: 'string' }, batches: { type: 'string' }, engines: { type: 'string' }, seconds: { type: 'string' }, rounds: { type: 'string' }, python: { type: 'string' } },
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
  const rounds = Number(values.rounds ?? (values.python ? 3 : 1));
  for (const m of models) if (!getTemplate(m)) throw new UserError(`Unknown template "${m}".`, `Use: ${DEFAULT_MODELS.join(', ')}.`, 'usage');
  for (const e of engines) if (!ENGINE_ORDER.includes(e)) throw new UserError(`Unknown engine "${e}".`, `Use: ${ENGINE_ORDER.join(', ')}.`, 'usage');
  if (batches.some((b) => !Number.isInteger(b) || b < 1)) throw new UserError('--batches takes positive integers.', undefined, 'usage');
  if (!Number.isInteger(rounds) || rounds < 1) throw new UserError('--rounds takes a positive integer.', 'For example --rounds 3: three interleaved measurements, their median reported.', 'usage');
  let measured = 0;
  const print = (line: object) => {
    out.stdout.write(`${JSON.stringify(line)}\n`);
    measured++;
  };
  if (keras) {
    try {
      measured += await benchKeras(models.filter((m) => m.startsWith('mnist')), batches, seconds, (l) => out.stdout.write(`${l}\n`), values.python);
    } catch (e) {
      out.stderr.write(`bench: skipping keras: ${(e as UserError).message}\n`);
    }
  }
  const loaded: Loaded[] = [];
  for (const engine of engines) {
    try {
      const l = await loadEngine(engine);
      loaded.push({ ...l, backend: l.tf.getBackend() });
    } catch (e) {
      out.stderr.write(`bench: skipping ${engine}: ${(e as UserError).message}\n`);
    }
  }
  const gemm = await gemmLine(loaded, print);
  let peers: Peers | undefined;
  if (values.python) {
    try {
      peers = await startPeers(models, values.python);
    } catch (e) {
      out.stderr.write(`bench: no Keras/PyTorch peers: ${(e as UserError).message}\n`);
    }
  }
  try {
    for (const id of models) for (const batch of batches) await benchShape(loaded, peers, id, batch, { seconds, rounds, gemm }, print);
  } finally {
    peers?.close();
  }
  return measured > 0 ? 0 : 1;
}

/** The GEMM ceiling, measured once on wasm (our fastest CPU kernel) or else the first engine that loaded. */
async function gemmLine(loaded: Loaded[], print: (l: object) => void): Promise<number | undefined> {
  const on = loaded.find((l) => l.engine === 'wasm') ?? loaded[0];
  if (!on) return undefined;
  await on.tf.setBackend(on.backend);
  const n = 1024;
  const gflops = await measureGemm(on.tf, n);
  print({ bench: 'gemm', engine: on.engine, device: on.device, n, gflops });
  return gflops;
}

interface ShapeOptions {
  seconds: number;
  rounds: number;
  gemm?: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ratio = (a: number | null, b: number | undefined) => (a !== null && b ? Math.round((a / b) * 100) / 100 : null);

/** One model at one batch: `rounds` rounds of every engine (and the peers), then a line each. */
async function benchShape(loaded: Loaded[], peers: Peers | undefined, id: string, batch: number, o: ShapeOptions, print: (l: object) => void): Promise<void> {
  const file = (getTemplate(id) as NonNullable<ReturnType<typeof getTemplate>>).build();
  const flops = trainingFlopsPerSample(analyze(file.graph));
  const ours = new Map<EngineId, BenchLine[]>();
  const theirs: Record<PeerSide, number[]> = { keras: [], torch: [] };
  for (let r = 0; r < o.rounds; r++) {
    for (const l of loaded) {
      await l.tf.setBackend(l.backend);
      ours.set(l.engine, [...(ours.get(l.engine) ?? []), await measureOrReason(l, id, batch, o.seconds)]);
    }
    if (!peers) continue;
    for (const side of ['keras', 'torch'] as const) {
      const rate = await peers.measure(side, id, batch, o.seconds).catch((e: Error) => (out.stderr.write(`bench: ${side}: ${e.message}\n`), null));
      if (rate !== null) theirs[side].push(rate);
    }
  }
  const ceiling = (rate: number | null) => {
    const gflops = rate === null ? null : Math.round((rate * flops) / 1e7) / 100;
    return { gflops, gemm_fraction: gflops !== null && o.gemm ? Math.round((gflops / o.gemm) * 1000) / 1000 : null };
  };
  const peerRate = { keras: theirs.keras.length ? median(theirs.keras) : undefined, torch: theirs.torch.length ? median(theirs.torch) : undefined };
  for (const [, lines] of ours) {
    const done = lines.filter((l) => l.samples_per_s !== null && !l.skipped);
    const line = done.length ? { ...done[0], samples_per_s: median(done.map((l) => l.samples_per_s as number)), ms_per_step: median(done.map((l) => l.ms_per_step as number)) } : lines[0];
    const each = o.rounds > 1 ? { samples_per_s_each: done.map((l) => l.samples_per_s) } : {};
    const vs = peers ? { vs_keras_plain_fit: ratio(line.samples_per_s, peerRate.keras), vs_pytorch: ratio(line.samples_per_s, peerRate.torch) } : {};
    print({ ...line, ...ceiling(line.samples_per_s), ...each, ...vs });
  }
  if (!peers) return;
  for (const side of ['keras', 'torch'] as const) {
    const rate = peerRate[side];
    if (rate === undefined) continue;
    const engine = side === 'keras' ? 'keras-plain-fit' : 'pytorch';
    print({ bench: 'train', engine, device: side === 'keras' ? peers.device : 'torch · CPU', model: id, batch, samples_per_s: Math.round(rate * 10) / 10, ...ceiling(rate), samples_per_s_each: theirs[side].map((v) => Math.round(v)) });
  }
}

/** A measurement, or a line with the reason (an engine missing a kernel this model needs is a result, not a crash). */
async function measureOrReason(l: Loaded, id: string, batch: number, seconds: number): Promise<BenchLine> {
  try {
    return await measure(l.tf, l.engine, l.device, id, batch, seconds);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    return { bench: 'train', engine: l.engine, device: l.device, model: id, batch, samples_per_s: null, ms_per_step: null, steps: 0, loss_decreased: null, skipped: reason };
  }
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
