/**
 * `model-studio train MODEL --data SPEC --epochs N --batch-size B --engine E [--out PATH]`: trains in a worker
 * process (the same session code as the editor), shows a progress bar and Keras-style epoch lines, and writes
 * the trained weights back to MODEL (or to --out) atomically. Ctrl+C stops after the current batch and keeps it.
 */
import { resolve } from 'node:path';
import { UserError } from '../core/types';
import { readModel, writeModel } from '../formats/registry';
import { SessionManager, trainedModel, type SessionResult, type TrainingSession } from '../engine/sessions';
import { engineOption, formatLogs, trainingFlags, trainingFor } from './training-options';
import { parse, out } from './io';

const USAGE = 'train MODEL --data SPEC [--epochs N] [--batch-size B] [--engine E] [--out PATH] [--optimizer O] [--lr X] [--validation-split F] [--workspace DIR] [--no-save]';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { ...trainingFlags, out: { type: 'string' }, workspace: { type: 'string' }, 'no-save': { type: 'boolean' }, seed: { type: 'string' }, 'steps-per-epoch': { type: 'string' } },
    USAGE,
    [1, 1],
  );
  const modelPath = resolve(positionals[0]);
  const file = await readModel(modelPath);
  const training = trainingFor(file, values);
  const engine = engineOption(values.engine);
  const target = values.out ? resolve(values.out) : modelPath;
  const result = await trainInWorker({
    file,
    training,
    engine,
    baseDir: process.cwd(),
    workspaceDir: resolve(values.workspace ?? process.cwd()),
    seed: values.seed !== undefined ? Number(values.seed) : undefined,
    stepsPerEpoch: values['steps-per-epoch'] !== undefined ? Number(values['steps-per-epoch']) : undefined,
  });
  if (result.status === 'failed') throw new UserError(result.message ?? 'Training failed.', result.hint, 'training-failed');
  if (!result.finalPath) throw new UserError('Training ended without a result.', undefined, 'training-failed');
  if (!values['no-save']) {
    const written = await writeModel(target, await trainedModel(file, result.finalPath));
    out.stdout.write(`Saved trained weights to ${written[0]}\n`);
  }
  return 0;
}

export interface TrainInWorker {
  file: Awaited<ReturnType<typeof readModel>>;
  training: ReturnType<typeof trainingFor>;
  engine: ReturnType<typeof engineOption>;
  baseDir: string;
  workspaceDir: string;
  seed?: number;
  stepsPerEpoch?: number;
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
  });
  attachTerminal(s, o.training.epochs, o.training.batchSize);
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
    w.write(`Training ${r.status === 'done' ? 'finished' : r.status === 'stopped' ? 'stopped' : 'stopped early'} after ${r.epochs} epoch(s); weights: ${r.weights}.\n`);
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

function attachTerminal(s: TrainingSession, epochs: number, batchSize: number): void {
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
        trainSize = Number(/: (\d+) samples/.exec(m.train)?.[1] ?? 0);
        stepsPerEpoch = Math.ceil(trainSize / batchSize);
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

