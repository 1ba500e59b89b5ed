/**
 * The mutation fuzzer of issue 18. Mutants of the real fixtures (../shared/fixtures/real) go through
 * `summary`, `check`, `convert` to .json and to .onnx; mutated CSV data goes through `train`. Each run is
 * classified:
 *   clean-error  exit 1 with one "error:" line and a hint (or check's diagnostics)   - fine
 *   ok           exit 0                                                                - fine
 *   internal-error  exit 2, an uncaught error, or internal text (stack overflow, "Cannot read properties"...)
 *   hang         no answer within 20 s          huge-memory  the process passed 1.5 GB
 *   partial-write  a failed run left an output or a temporary file, or changed an existing output
 *   escaped-path   a run succeeded on a file whose weights paths point outside its folder
 *   wrote-outside  something appeared outside the run's folder (the fuzz root, HOME, the filesystem root)
 * Any class but the first two fails, printing the seed, the mutant index and the mutation to reproduce it.
 *
 * `npm run fuzz -- --count N --seed S [--only I]`; test/fuzz/fuzz.test.ts runs the CI-sized run.
 */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { dataRun } from './data';
import { mutate, mutateCsv, rng, type Mutation } from './mutate';
import { CLASSES, classifyReply, HANG_MS, listing, Pool, type RunClass, type RunRecord } from './runner';

export { CLASSES, type RunClass, type RunRecord };

const FIXTURES = resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'real');

interface Target {
  reader: string;
  dir: string;
  files: string[];
  main: string;
}

/** Every reader, on the real files. */
export function targets(fixtures = fixturesDir()): Target[] {
  const t = (reader: string, dir: string, files: string[], main = files[0]!): Target => ({ reader, dir: join(fixtures, dir), files, main });
  return [
    t('tfjs', 'tfjs-abalone', ['model.json', 'weights.bin']),
    t('tfjs', 'tfjs-e2e-gru', ['model.json', 'weights.bin']),
    t('tfjs', 'cnn-explainer', ['model.json', 'group1-shard1of1.bin']),
    t('keras-json', 'keras2-weights-json/toyresnet', ['modelConfig.json']),
    t('h5', 'keras2-h5', ['simple_sparse_xent_mlp_keras_2_model.h5']),
    t('h5', 'keras2-h5', ['simple_lstm_tf_keras_2_model.h5']),
    t('h5', 'keras3', ['mnist_model.h5']),
    t('weights-h5', 'keras2-h5', ['simple_sparse_xent_mlp_keras_2_weights.h5']),
    t('weights-h5', 'keras2-weights-json/toyresnet', ['weights.h5', 'modelConfig.json']),
    t('keras', 'keras3', ['mnist_model.keras']),
    t('onnx', 'onnx', ['penguin_model.onnx']),
    t('onnx', 'onnx', ['wuhan_mnist-sm.onnx']),
  ];
}

export function fixturesDir(): string {
  for (const p of [FIXTURES, resolve(process.cwd(), '..', 'shared', 'fixtures', 'real'), '/work/shared/fixtures/real']) if (existsSync(p)) return p;
  throw new Error(`the real fixtures are missing (looked in ${FIXTURES})`);
}

const rootEntries = () => readdirSync('/').filter((n) => n.startsWith('model-studio-')).length;

interface Options {
  count: number;
  seed: number;
  only?: number;
  train?: number;
  /** Runs of the npy, npz, image and predict loaders. */
  data?: number;
  log?: (line: string) => void;
}

export interface FuzzResult {
  records: RunRecord[];
  failures: RunRecord[];
  ms: number;
}

/** Runs `count` CLI runs (model commands on mutants, plus `train` runs on mutated data). */
export async function fuzz(o: Options): Promise<FuzzResult> {
  const t0 = performance.now();
  trainBase = undefined;
  const root = mkdtempSync(join(tmpdir(), 'ms-fuzz-'));
  const home = join(root, 'home');
  const tmp = join(root, 'tmp');
  mkdirSync(home);
  mkdirSync(tmp);
  writeFileSync(join(root, 'outside.bin'), new Uint8Array(64).fill(7));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, TMPDIR: tmp, MODEL_STUDIO_MAX_H5_SECONDS: '15' };
  delete env.MODEL_STUDIO_DEBUG;
  const pool = new Pool(env);
  const records: RunRecord[] = [];
  const all = targets();
  const commands = ['summary', 'check', 'convert-json', 'convert-onnx'] as const;
  const trainRuns = o.train ?? Math.round(o.count / 80);
  const dataRuns = o.data ?? Math.round(o.count / 25);
  const mutants = Math.ceil((o.count - trainRuns - dataRuns) / commands.length);
  const rootBefore = rootEntries();
  try {
    for (let i = 0; i < mutants; i++) {
      if (o.only !== undefined && i !== o.only) continue;
      const target = all[i % all.length]!;
      const r = rng(o.seed * 1_000_003 + i);
      const file = target.files.length > 1 && r() < 0.25 ? target.files[1 + Math.floor(r() * (target.files.length - 1))]! : target.main;
      const m = mutate(new Uint8Array(readFileSync(join(target.dir, file))), r, file.endsWith('.json'));
      const mutation = `${file}: ${m.kind} (${m.detail})`;
      for (const command of commands) {
        const dir = join(root, 'runs', `${i}-${command}`);
        mkdirSync(dir, { recursive: true });
        for (const f of target.files) copyFileSync(join(target.dir, f), join(dir, f));
        writeFileSync(join(dir, file), m.bytes);
        records.push(await modelRun(pool, dir, target, command, i, mutation, m, r() < 0.5));
        rmSync(dir, { recursive: true, force: true });
        o.log?.(progress(records));
      }
    }
    if (o.only === undefined) for (let k = 0; k < trainRuns; k++) records.push(await trainRun(pool, root, o.seed, k));
    if (o.only === undefined) for (let k = 0; k < dataRuns; k++) records.push(await dataRun(pool, root, o.seed, k));
    const outside = checkOutside(root, home, rootBefore);
    if (outside) records.push({ reader: 'all', index: -1, command: 'all', mutation: '-', cls: 'wrote-outside', why: outside, ms: 0 });
  } finally {
    pool.kill();
    rmSync(root, { recursive: true, force: true });
  }
  return { records, failures: records.filter((x) => x.cls !== 'ok' && x.cls !== 'clean-error'), ms: performance.now() - t0 };
}

function progress(records: RunRecord[]): string {
  return `${records.length} runs`;
}

function checkOutside(root: string, home: string, rootBefore: number): string | undefined {
  const extra = readdirSync(root).filter((n) => !['runs', 'home', 'tmp', 'outside.bin', 'train-base', 'data-base'].includes(n));
  if (extra.length) return `new entries in the fuzz folder: ${extra.join(', ')}`;
  const h = [...listing(home).keys()];
  if (h.length) return `written under HOME: ${h.slice(0, 5).join(', ')}`;
  if (!readFileSync(join(root, 'outside.bin')).every((b) => b === 7)) return 'outside.bin was changed';
  if (rootEntries() > rootBefore) return 'a model-studio-* file appeared at the filesystem root';
  return undefined;
}

async function modelRun(pool: Pool, dir: string, target: Target, command: string, index: number, mutation: string, m: Mutation, existing: boolean): Promise<RunRecord> {
  const main = join(dir, target.main);
  const outName = command === 'convert-json' ? 'out.json' : command === 'convert-onnx' ? 'out.onnx' : undefined;
  const outPath = outName && join(dir, outName);
  if (outPath && existing) writeFileSync(outPath, 'SENTINEL');
  const before = listing(dir);
  const argv = outPath ? ['convert', main, outPath] : [command, main];
  const reply = await pool.run(argv);
  const rec = (cls: RunClass, why: string, ms = 0): RunRecord => ({ reader: target.reader, index, command, mutation, cls, why, ms });
  if (reply === 'hang') return rec('hang', `no answer in ${HANG_MS / 1000} s: ${argv.map((a) => basename(a)).join(' ')}`, HANG_MS);
  if (reply === 'died') return rec('internal-error', 'the worker process died');
  const c = classifyReply(command, reply);
  if (c.cls !== 'ok' && c.cls !== 'clean-error') return rec(c.cls, c.why, reply.ms);
  const after = listing(dir);
  const added = [...after.keys()].filter((k) => !before.has(k));
  const allowed = reply.code === 0 && outName ? [outName, `${outName.replace(/\.json$/, '')}.weights.bin`, 'out.bin', 'weights.bin'] : [];
  const stray = added.filter((k) => !allowed.includes(k) && !k.startsWith('out.'));
  if (stray.length) return rec('partial-write', `left ${stray.join(', ')}`, reply.ms);
  if (reply.code !== 0 && outPath) {
    if (existing && readFileSync(outPath, 'utf8') !== 'SENTINEL') return rec('partial-write', `a failed convert changed the existing ${outName}`, reply.ms);
    if (!existing && existsSync(outPath)) return rec('partial-write', `a failed convert left ${outName}`, reply.ms);
  }
  if (m.kind === 'json-paths' && reply.code === 0 && /\.\.|^\/|\/dev\//.test(m.detail) && !m.detail.includes('none found')) {
    return rec('escaped-path', `succeeded with ${m.detail}`, reply.ms);
  }
  for (const [k, v] of before) if (k !== outName && after.get(k) !== v) return rec('partial-write', `changed ${k}`, reply.ms);
  return rec(c.cls, c.why, reply.ms);
}

let trainBase: string | undefined;

/** A 10-class model and a CSV it trains on: 784 features, labels 0..9 (mnist-mlp's shape). */
async function trainSetup(pool: Pool, root: string): Promise<string> {
  if (trainBase) return trainBase;
  const dir = join(root, 'train-base');
  const reply = await pool.run(['new', '--template', 'mnist-mlp', dir]);
  if (reply === 'hang' || reply === 'died' || reply.code !== 0) throw new Error(`could not create the training model: ${JSON.stringify(reply)}`);
  const r = rng(99);
  const header = [...Array(784).keys()].map((k) => `p${k}`).join(',');
  const rows = [...Array(20).keys()].map((i) => `${[...Array(784)].map(() => (r() < 0.8 ? '0' : String(Math.floor(r() * 255)))).join(',')},${i % 10}`);
  writeFileSync(join(dir, 'data.csv'), `${header},label\n${rows.join('\n')}\n`);
  trainBase = dir;
  return dir;
}

async function trainRun(pool: Pool, root: string, seed: number, k: number): Promise<RunRecord> {
  const base = await trainSetup(pool, root);
  const r = rng(seed * 7_000_003 + k);
  const m = mutateCsv(readFileSync(join(base, 'data.csv'), 'utf8'), r);
  const dir = join(root, 'runs', `train-${k}`);
  mkdirSync(dir, { recursive: true });
  const model = readdirSync(base).find((f) => f.endsWith('.json'))!;
  for (const f of readdirSync(base)) if (f !== 'data.csv') copyFileSync(join(base, f), join(dir, f));
  writeFileSync(join(dir, 'data.csv'), m.bytes);
  const modelBefore = readFileSync(join(dir, model));
  const argv = ['train', join(dir, model), '--data', `csv:${join(dir, 'data.csv')}`, '--epochs', '1', '--batch-size', '10', '--engine', 'cpu', '--workspace', dir, '--loss', 'sparse_categorical_crossentropy'];
  const reply = await pool.run(argv);
  const mutation = `data.csv: ${m.kind} (${m.detail})`;
  const rec = (cls: RunClass, why: string, ms = 0): RunRecord => ({ reader: 'train-csv', index: k, command: 'train', mutation, cls, why, ms });
  let out: RunRecord;
  if (reply === 'hang') out = rec('hang', `no answer in ${HANG_MS / 1000} s`, HANG_MS);
  else if (reply === 'died') out = rec('internal-error', 'the worker process died');
  else {
    const c = classifyReply('train', reply);
    out = rec(c.cls, c.why, reply.ms);
    if (reply.code !== 0 && !readFileSync(join(dir, model)).equals(modelBefore)) out = rec('partial-write', 'a failed training run changed the model', reply.ms);
  }
  rmSync(dir, { recursive: true, force: true });
  return out;
}

/** Counts per reader and class, as a table. */
export function table(records: RunRecord[]): string {
  const readers = [...new Set(records.map((r) => r.reader))];
  const head = ['reader'.padEnd(16), 'runs'.padStart(6), ...CLASSES.map((c) => c.padStart(Math.max(6, c.length + 1)))].join('');
  const line = (name: string, rs: RunRecord[]) =>
    [name.padEnd(16), String(rs.length).padStart(6), ...CLASSES.map((c) => String(rs.filter((r) => r.cls === c).length).padStart(Math.max(6, c.length + 1)))].join('');
  return [head, ...readers.map((n) => line(n, records.filter((r) => r.reader === n))), line('total', records)].join('\n');
}

export function describeFailure(f: RunRecord, seed: number): string {
  return `${f.cls}: seed ${seed} mutant ${f.index} (${f.reader}, ${f.command}): ${f.mutation}\n    ${f.why}\n    replay: npm run fuzz -- --seed ${seed} --count ${Math.max(4, (f.index + 1) * 4)} --only ${f.index}`;
}

async function cli(): Promise<void> {
  const { values } = parseArgs({ options: { count: { type: 'string', default: '400' }, seed: { type: 'string', default: '1' }, only: { type: 'string' }, train: { type: 'string' }, data: { type: 'string' } } });
  const seed = Number(values.seed);
  const num = (v: string | undefined) => (v === undefined ? undefined : Number(v));
  const res = await fuzz({ count: Number(values.count), seed, only: num(values.only), train: num(values.train), data: num(values.data) });
  process.stdout.write(`${table(res.records)}\n${res.records.length} runs in ${(res.ms / 1000).toFixed(0)} s (seed ${seed})\n`);
  for (const f of res.failures) process.stdout.write(`${describeFailure(f, seed)}\n`);
  process.exitCode = res.failures.length ? 1 : 0;
}

if (require.main === module) void cli();
