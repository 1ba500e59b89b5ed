/**
 * `model-studio train MODEL --data SPEC --epochs N --batch-size B --engine E [--out PATH]`: trains in a worker
 * process (the same session code as the editor), shows a progress bar and Keras-style epoch lines, and writes
 * the trained weights back to MODEL (or to --out) atomically. Ctrl+C stops after the current batch and keeps it.
 * `--probe` measures this model's training speed on each engine and prints a table instead of training;
 * `--engine fastest` does the same measurement first and then trains on the fastest engine (`--engine wasm,cpu`:
 * the fastest of those).
 */
import { dirname, resolve } from 'node:path';
import { defaultTrainingConfig, trainingConfigOf, type ClusterSpec } from '../core/training';
import { UserError, type ModelFile } from '../core/types';
import { readModel, writeModel } from '../formats/registry';
import { SessionManager, trainedModel, type SessionResult, type TrainingSession } from '../engine/sessions';
import { ENGINE_ORDER, type EngineId } from '../engine/tfjs/engines';
import { fastestEngine, formatRate, probeEngines, probeTable, type ProbeResult } from '../engine/tfjs/benchmark';
import { kerasProbeLine } from '../engine/keras/python';
import { devicesOption, engineOption, formatLogs, trainingFlags, trainingFor } from './training-options';
import { clusterFlags, clusterOption, otherProcessCommands } from './cluster';
import { parse, out } from './io';
import { rlFlags } from './rl-options';

const USAGE =
  'train MODEL --data SPEC [--epochs N] [--batch-size B] [--engine E|fastest|E,E...] [--out PATH] [--optimizer O] [--lr X] [--validation-split F] [--steps-per-epoch N] [--subset FRACTION] [--workspace DIR] [--no-save]\n' +
  '       model-studio train MODEL --probe [--batch-size B] [--engine E[,E...]] [--probe-seconds S]\n' +
  '       engine keras: [--python PATH] [--mixed-precision mixed_bfloat16|mixed_float16|off] [--devices all|N] [--coordinator HOST:PORT --num-processes N --process-id I]\n' +
  '       model-studio train MODEL [--env cartpole|mountaincar|acrobot|tictactoe|connect4] [--agent dqn|double-dqn|reinforce|alphazero] [--episodes N] [--seed S]\n' +
  '       (agent alphazero, on tictactoe or connect4: --episodes is the number of self-play iterations, each of the saved\n' +
  '       gamesPerIteration games)\n' +
  '       several inputs/outputs: --data npz:FILE with one array per input and output layer, named like the layer (or as the\n' +
  "       saved config's dataMap maps it), or --data csv:FILE with each layer's columns in the dataMap (\"a+b+c\", names or\n" +
  "       0-based indices joined by +); each output's loss, metrics and loss weight come from the saved config's outputs\n" +
  '       (Configure Training); an output it does not name takes --loss/--metrics (or the saved ones) at weight 1';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    {
      ...trainingFlags,
      ...rlFlags,
      ...clusterFlags,
      out: { type: 'string' },
      workspace: { type: 'string' },
      'no-save': { type: 'boolean' },
      seed: { type: 'string' },
      probe: { type: 'boolean' },
      'probe-seconds': { type: 'string' },
    },
    USAGE,
    [1, 1],
  );
  const modelPath = resolve(positionals[0]);
  const file = await readModel(modelPath);
  const seconds = probeSeconds(values['probe-seconds']);
  if (values.probe) {
    // No dataset needed: the probe trains on synthetic data of the model's shapes.
    const engines = probeEngineList(values.engine);
    if (engines.length) printProbe(await probe(file, probeBatch(file, values['batch-size']), engines, seconds));
    if (!values.engine || values.engine === 'auto' || values.engine === 'fastest' || values.engine.split(',').includes('keras')) {
      out.stdout.write(`${await kerasProbeLine(values.python)}\n`);
    }
    return 0;
  }
  const training = trainingFor(file, values);
  const engineFlag = values.engine ?? process.env.MODEL_STUDIO_ENGINE;
  let engine: ReturnType<typeof engineOption>;
  // `fastest`, or a list of candidates (`wasm,cpu`): measure them at the training batch size, train on the winner.
  if (engineFlag === 'fastest' || engineFlag?.includes(',')) {
    const result = await probe(file, training.batchSize, probeEngineList(engineFlag), seconds);
    printProbe(result);
    const best = fastestEngine(result);
    if (!best) throw new UserError('No engine could train this model.', 'See the reasons above.', 'engine-unavailable');
    out.stdout.write(`Training on the fastest engine: ${best.engine}\n`);
    engine = best.engine;
  } else {
    engine = engineOption(values.engine);
  }
  const cluster = clusterOption({ ...values, engine }, training.batchSize);
  if (cluster?.processId === 0) {
    out.stdout.write(`Process 0 of ${cluster.processes}. Run on each other machine (the same model and data there):\n`);
    for (const line of otherProcessCommands(args, cluster)) out.stdout.write(`  ${line}\n`);
  }
  const target = values.out ? resolve(values.out) : modelPath;
  const result = await trainInWorker({
    file,
    training,
    engine,
    // A data spec typed on the command line names paths from here; one saved with the model, from its folder.
    baseDir: values.data !== undefined ? process.cwd() : dirname(modelPath),
    workspaceDir: resolve(values.workspace ?? process.cwd()),
    seed: values.seed !== undefined ? Number(values.seed) : undefined,
    python: values.python,
    // --devices, else the model's training configuration.
    devices: devicesOption(values.devices) ?? training.devices,
    cluster,
  });
  if (result.status === 'failed') throw new UserError(result.message ?? 'Training failed.', result.hint, 'training-failed');
  if (!result.finalPath) throw new UserError('Training ended without a result.', undefined, 'training-failed');
  if (!values['no-save']) {
    const written = await writeModel(target, await trainedModel(file, result.finalPath));
    out.stdout.write(`Saved trained weights to ${written[0]}\n`);
  }
  return 0;
}

/** Batch size for --probe: --batch-size, else the model's training config, else the default (32). */
function probeBatch(file: ModelFile, flag: string | undefined): number {
  if (flag !== undefined) {
    const n = Number(flag);
    if (!Number.isInteger(n) || n < 1) throw new UserError(`--batch-size must be a positive integer (got "${flag}").`, undefined, 'usage');
    return n;
  }
  return (trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig()).batchSize;
}

function probeSeconds(flag: string | undefined): number {
  if (flag === undefined) return 1.5;
  const s = Number(flag);
  if (!(s > 0 && s <= 60)) throw new UserError(`--probe-seconds must be a number of seconds in (0, 60] (got "${flag}").`, undefined, 'usage');
  return s;
}

/** --engine with --probe: all engines (unset, auto, fastest) or a comma-separated list. */
function probeEngineList(flag: string | undefined): EngineId[] {
  if (flag === undefined || flag === 'auto' || flag === 'fastest') return [...ENGINE_ORDER];
  // keras is probed apart (src/engine/keras/python.ts): it is not a TensorFlow.js engine.
  const list = flag.split(',').map((e) => e.trim()).filter((e) => e && e !== 'keras');
  for (const e of list) {
    if (!ENGINE_ORDER.includes(e as EngineId)) throw new UserError(`Unknown engine "${e}".`, `Use one or more of: ${ENGINE_ORDER.join(', ')}.`, 'unknown-engine');
  }
  return list as EngineId[];
}

/** Measure in this process (engines load from MODEL_STUDIO_ENGINE_DIR too), one line per engine on stderr. */
async function probe(file: ModelFile, batch: number, engines: EngineId[], seconds: number): Promise<ProbeResult> {
  out.stderr.write(`Measuring training speed at batch ${batch} on ${engines.length} engine(s), about ${seconds} s each...\n`);
  return probeEngines(file, batch, {
    engines,
    seconds,
    onResult: ({ row, skipped, done, total }) => {
      const what = row ? (row.reason ? `${row.engine}: ${row.reason}` : `${row.engine}: ${formatRate(row.samples_per_s ?? 0)} samples/s`) : `${skipped?.engine}: not available`;
      out.stderr.write(`  [${done}/${total}] ${what}\n`);
    },
  });
}

function printProbe(result: ProbeResult): void {
  out.stdout.write(`Training speed at batch ${result.batch} (synthetic data, after warm-up):\n${probeTable(result)}\n`);
}

export interface TrainInWorker {
  file: Awaited<ReturnType<typeof readModel>>;
  training: ReturnType<typeof trainingFor>;
  engine: ReturnType<typeof engineOption>;
  baseDir: string;
  workspaceDir: string;
  seed?: number;
  stepsPerEpoch?: number;
  python?: string;
  devices?: number | 'all';
  cluster?: ClusterSpec;
}

/** Run one session with terminal output; shared by `train` and `demo`. */
export async function trainInWorker(o: TrainInWorker): Promise<SessionResult> {
  const mgr = new SessionManager();
  const s = mgr.start({
    model: o.file,
    training: o.training,
    engine: o.engine,
    engineDirs: process.env.MODEL_STUDIO_ENGINE_DIR ? [process.env.MODEL_STUDIO_ENGINE_DIR] : undefined,
    baseDir: o.baseDir,
    workspaceDir: o.workspaceDir,
    seed: o.seed,
    stepsPerEpoch: o.stepsPerEpoch,
    python: o.python,
    devices: o.devices,
    cluster: o.cluster,
  });
  attachTerminal(s, o.training.rl?.episodes ?? o.training.epochs, o.training.batchSize, o.training.rl ? (unitOf(o.training) as 'episode' | 'iteration') : undefined, o.training.stepsPerEpoch ?? o.stepsPerEpoch);
  const onSigint = () => {
    out.stderr.write('\nStopping after the current batch (Ctrl+C again to kill)...\n');
    process.off('SIGINT', onSigint);
    process.once('SIGINT', () => s.kill('Killed from the terminal.'));
    void s.stop('batch');
  };
  process.on('SIGINT', onSigint);
  try {
    const r = await s.result;
    clearBar();
    const w = out.stdout;
    if (r.status === 'failed') return r;
    w.write(`Run folder: ${s.runDir}\n`);
    if (r.message) w.write(`${r.message}\n`);
    w.write(`Training ${r.status === 'done' ? 'finished' : r.status === 'stopped' ? 'stopped' : 'stopped early'} after ${r.epochs} ${unitOf(o.training)}(s); weights: ${r.weights}.\n`);
    if (r.test) w.write(`Test: ${formatLogs(r.test)}\n`);
    return r;
  } finally {
    process.off('SIGINT', onSigint);
  }
}

let barShown = false;
function clearBar(): void {
  if (barShown && out.stderr.isTTY) out.stderr.write('\r\x1b[2K');
  barShown = false;
}

/** What one epoch event of a run is: an epoch, an RL episode, or a self-play iteration. */
function unitOf(t: TrainInWorker['training']): 'epoch' | 'episode' | 'iteration' {
  return !t.rl ? 'epoch' : t.rl.agent === 'alphazero' ? 'iteration' : 'episode';
}

function attachTerminal(s: TrainingSession, epochs: number, batchSize: number, unit?: 'episode' | 'iteration', steps?: number): void {
  const err = out.stderr;
  let stepsPerEpoch = 0;
  let trainSize = 0;
  s.on('message', (m) => {
    switch (m.type) {
      case 'engine':
        out.stdout.write(`Engine: ${m.device}\n`);
        for (const k of m.skipped) out.stdout.write(`  skipped ${k.engine}: ${k.reason}\n`);
        break;
      case 'data': {
        out.stdout.write(`Data: ${m.train}${m.validation ? `\n      ${m.validation}` : ''}${m.test ? `\n      ${m.test}` : ''}\n`);
        trainSize = m.samples.train;
        stepsPerEpoch = Math.min(Math.ceil(trainSize / batchSize), steps ?? Infinity);
        break;
      }
      case 'batch': {
        if (!err.isTTY) break;
        const p = m.point;
        const width = 24;
        const done = stepsPerEpoch ? Math.min(1, p.batch / stepsPerEpoch) : 0;
        const bar = '='.repeat(Math.floor(done * width)).padEnd(width, '.');
        const eta = p.etaSeconds !== undefined ? ` - ETA ${formatSeconds(p.etaSeconds)}` : '';
        err.write(`\r\x1b[2KEpoch ${p.epoch}/${epochs} [${bar}] ${p.batch}/${stepsPerEpoch} - ${formatLogs(p.metrics)} - ${Math.round(p.samplesPerSec ?? 0)} samples/s${eta}`);
        barShown = true;
        break;
      }
      case 'epoch': {
        clearBar();
        const p = m.point;
        if (unit === 'iteration') {
          // Self-play iterations are few and long: one line each.
          out.stdout.write(`Iteration ${p.epoch}/${epochs} - ${p.seconds.toFixed(1)}s - ${formatLogs(p.metrics)} - ${p.step} positions\n`);
          break;
        }
        if (unit) {
          // One line every 10 episodes: an RL run has hundreds.
          if (p.epoch % 10 === 0 || p.epoch === 1) out.stdout.write(`Episode ${p.epoch}/${epochs} - ${formatLogs(p.metrics)} - ${p.step} steps\n`);
          break;
        }
        out.stdout.write(
          `Epoch ${p.epoch}/${epochs} - ${p.seconds.toFixed(1)}s - ${formatLogs(p.metrics)} - lr: ${p.lr?.toPrecision(3)} - ${Math.round(p.samplesPerSec ?? 0)} samples/s\n`,
        );
        break;
      }
      case 'log':
        clearBar();
        out.stdout.write(`${m.line}\n`);
        break;
      default:
        break;
    }
  });
}

function formatSeconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

