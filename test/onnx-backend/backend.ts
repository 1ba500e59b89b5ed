/**
 * The ONNX backend suite as Model Studio meets it: each case (model.onnx + test_data_set_N/input_i.pb,
 * output_i.pb) is imported with our importer, predicted with our TF.js engine on the case's inputs and compared
 * with the case's expected outputs. Classes: PASS, REFUSED (a UserError at import: the one-line reason), DEPARTS
 * (a faithful Keras model the TF.js engine refuses to run with its reason, `tfjs-departure`: the keras engine runs
 * it), WRONG (numbers or shapes differ), CRASH (predict failed otherwise after import accepted the file, or
 * import threw something that is not a UserError).
 */
import { join } from 'node:path';
import { isUserError } from '../../src/core/types';
import { predictTfjs, type Feed } from '../../src/engine/tfjs/verify';
import { importOnnx } from '../../src/formats/onnx/import';
import { DT, onnx, tensorValues } from '../../src/formats/onnx/proto';
import { repoRoot } from '../helpers/paths';
import { readTarBr } from './tar';

export const ARCHIVE = join(repoRoot, 'test', 'fixtures', 'onnx-backend', 'onnx-backend-data.tar.br');
const ROOT = 'onnx/backend/test/data/';
/** Per element: |ours - expected| <= ATOL + RTOL * |expected|. */
const ATOL = 1e-4;
const RTOL = 1e-4;

export type Verdict = 'PASS' | 'REFUSED' | 'DEPARTS' | 'WRONG' | 'CRASH';

export interface Case {
  /** `node/test_abs`, `pytorch-converted/test_AvgPool1d`... */
  id: string;
  model: Buffer;
  /** test_data_set_0's inputs and outputs, in index order. */
  inputs: Buffer[];
  outputs: Buffer[];
}

export interface Result {
  id: string;
  verdict: Verdict;
  reason: string;
}

/** The cases of the archive, sorted by id; `filter` (a regex on the id) keeps some. */
export function loadCases(filter?: RegExp): Case[] {
  const files = readTarBr(ARCHIVE);
  const cases = new Map<string, Case>();
  for (const [path, body] of files) {
    if (!path.startsWith(ROOT)) continue;
    const rel = path.slice(ROOT.length);
    const m = /^([^/]+\/[^/]+)\/(model\.onnx|test_data_set_0\/(input|output)_(\d+)\.pb)$/.exec(rel);
    if (!m) continue;
    const id = m[1]!;
    if (filter && !filter.test(id)) continue;
    const c = cases.get(id) ?? { id, model: Buffer.alloc(0), inputs: [], outputs: [] };
    cases.set(id, c);
    if (m[2] === 'model.onnx') c.model = body;
    else (m[3] === 'input' ? c.inputs : c.outputs)[Number(m[4])] = body;
  }
  return [...cases.values()].filter((c) => c.model.length > 0).sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** A TensorProto's name, shape, element type and values as numbers (float16 included; integers exact). */
function readTensor(bytes: Buffer): { name: string; dims: number[]; type: number; data: Float32Array | Float64Array } {
  const t = onnx.TensorProto.decode(bytes);
  const v = tensorValues(t);
  return { name: t.name ?? '', dims: v.dims, type: t.dataType ?? 0, data: INT_TYPES.has(t.dataType ?? 0) ? Float64Array.from(v.data) : Float32Array.from(v.data) };
}

const INT_TYPES = new Set<number>([DT.INT8, DT.INT16, DT.INT32, DT.INT64, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.BOOL]);

/** Integer and bool outputs must be equal; float outputs within the tolerance. */
function mismatch(got: { shape: number[]; data: Float32Array | Float64Array }, want: { dims: number[]; type: number; data: Float32Array | Float64Array }): string | undefined {
  const same = got.shape.length === want.dims.length && got.shape.every((d, i) => d === want.dims[i]);
  if (!same) return `shape [${got.shape.join(', ')}], expected [${want.dims.join(', ')}]`;
  if (INT_TYPES.has(want.type)) {
    const at = want.data.findIndex((b, i) => got.data[i] !== b);
    return at < 0 ? undefined : `value ${at} is ${got.data[at]}, expected exactly ${want.data[at]}`;
  }
  let worst = 0;
  let at = -1;
  for (let i = 0; i < want.data.length; i++) {
    const a = got.data[i]!;
    const b = want.data[i]!;
    if (Number.isNaN(a) && Number.isNaN(b)) continue;
    if (a === b) continue;
    const excess = Math.abs(a - b) - (ATOL + RTOL * Math.abs(b));
    if (!(excess <= 0) && (at < 0 || excess > worst || Number.isNaN(excess))) {
      worst = Number.isNaN(excess) ? Infinity : excess;
      at = i;
    }
  }
  return at < 0 ? undefined : `value ${at} is ${got.data[at]}, expected ${want.data[at]}`;
}

function oneLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split('\n')[0]!.slice(0, 300);
}

/** Import, predict, compare: one case's verdict. */
export async function classify(c: Case): Promise<Result> {
  const id = c.id;
  let model;
  try {
    model = importOnnx(new Uint8Array(c.model), 'model.onnx');
  } catch (e) {
    return { id, verdict: isUserError(e) ? 'REFUSED' : 'CRASH', reason: `${isUserError(e) ? '' : 'import threw: '}${oneLine(e)}` };
  }
  try {
    const ins = c.inputs.map(readTensor);
    const proto = onnx.ModelProto.decode(c.model);
    const graphInputs = (proto.graph?.input ?? []).map((i) => i.name ?? '');
    // Inputs by name (the .pb files name them), in the order of the imported model's InputLayers.
    const feeds: Feed[] = model.graph.inputs.map((name, k) => {
      const layer = model.graph.layers.find((l) => l.name === name)!;
      const t = ins.find((x) => x.name && graphInputs.includes(x.name) && sameInput(x.name, name)) ?? ins[k];
      if (!t) throw new Error(`no test data for input ${name}`);
      return { shape: t.dims, data: t.data, int: layer.config.dtype === 'int32' || INT_TYPES.has(t.type) };
    });
    const got = await predictTfjs(model, feeds);
    const want = c.outputs.map(readTensor);
    if (got.length !== want.length) return { id, verdict: 'WRONG', reason: `${got.length} outputs, expected ${want.length}` };
    for (let k = 0; k < want.length; k++) {
      const d = mismatch(got[k]!, want[k]!);
      if (d) return { id, verdict: 'WRONG', reason: `output ${k}: ${d}` };
    }
    return { id, verdict: 'PASS', reason: '' };
  } catch (e) {
    const departs = isUserError(e) && e.code === 'tfjs-departure';
    return { id, verdict: departs ? 'DEPARTS' : 'CRASH', reason: oneLine(e) };
  }
}

/** The importer names an InputLayer after its ONNX input, made safe (uniqueName): compare the safe forms. */
function sameInput(onnxName: string, layerName: string): boolean {
  return onnxName.replace(/[^A-Za-z0-9_.-]/g, '_') === layerName;
}

/** The causes a refusal names (its first few): an operator, an input of rank 0 or 1, or what the file is. */
export function refusalCauses(reason: string): string[] {
  const ops = /cannot turn into Keras layers: (.*)$/.exec(reason);
  if (!ops) {
    const what = /can read: (.*)$/.exec(reason)?.[1] ?? reason;
    return [what.split(/[;(]/)[0]!.replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N').trim()];
  }
  const causes = ops[1]!.replace(/ \(and \d+ more\)$/, '').split('; ').map((p) => (/^input \S+ has rank [01]/.test(p) ? 'input of rank 0 or 1' : p.split(/[ :]/)[0]!));
  return [...new Set(causes)];
}

/** Counts by class, the causes of refusals (the ops still refused), and every departure, wrong answer and crash. */
export function summary(results: Result[]): string {
  const by = (v: Verdict) => results.filter((r) => r.verdict === v);
  const lines = [`ONNX backend suite: ${results.length} cases: ` + (['PASS', 'REFUSED', 'DEPARTS', 'WRONG', 'CRASH'] as Verdict[]).map((v) => `${v} ${by(v).length}`).join(', ')];
  const causes = new Map<string, number>();
  for (const r of by('REFUSED')) for (const c of refusalCauses(r.reason)) causes.set(c, (causes.get(c) ?? 0) + 1);
  lines.push('refused, by cause (cases naming it among their first causes):');
  const sorted = [...causes].sort((a, b) => b[1] - a[1]);
  for (const [k, n] of sorted.slice(0, 30)) lines.push(`  ${String(n).padStart(4)}  ${k.slice(0, 110)}`);
  if (sorted.length > 30) lines.push(`  and ${sorted.length - 30} more: ${sorted.slice(30).map(([k, n]) => `${k.slice(0, 40)} ${n}`).join(', ')}`);
  for (const v of ['DEPARTS', 'WRONG', 'CRASH'] as Verdict[]) for (const r of by(v)) lines.push(`${v} ${r.id}: ${r.reason}`);
  return lines.join('\n');
}
