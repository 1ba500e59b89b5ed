/**
 * Reading TensorBoard event files (ours, or a log folder written by Keras' TensorBoard callback) into a run
 * record that Compare Runs can overlay: `train/` epoch_<metric> become <metric>, `validation/` epoch_<metric>
 * become val_<metric>, epoch_learning_rate becomes lr; epochs are 1-based as ours (Keras logs step = epoch - 1).
 * Scalars are read from `simple_value` and from TF2's scalar tensors (float or double). A record whose CRC does
 * not match ends the file (a partial write), as TensorBoard's own reader does.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { runInfo, type RunInfo } from '../../core/training/runs';
import { UserError } from '../../core/types';
import type { RunRecord } from '../runFolder';
import { maskedCrc32c } from './records';

type Field = { no: number; wire: number; int?: bigint; bytes?: Uint8Array; view?: DataView };

function* fields(buf: Uint8Array): Generator<Field> {
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    let shift = 0n;
    for (;;) {
      const b = buf[at++];
      v |= BigInt(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
      shift += 7n;
    }
  };
  while (at < buf.length) {
    const key = Number(varint());
    const no = key >>> 3;
    const wire = key & 7;
    if (wire === 0) yield { no, wire, int: varint() };
    else if (wire === 1 || wire === 5) {
      const n = wire === 1 ? 8 : 4;
      yield { no, wire, view: new DataView(buf.buffer, buf.byteOffset + at, n) };
      at += n;
    } else if (wire === 2) {
      const n = Number(varint());
      yield { no, wire, bytes: buf.subarray(at, at + n) };
      at += n;
    } else return;
  }
}

/** The scalar of a TensorProto: float_val / double_val, or tensor_content of a DT_FLOAT / DT_DOUBLE scalar. */
function tensorScalar(buf: Uint8Array): number | undefined {
  let dtype = 1;
  let value: number | undefined;
  for (const f of fields(buf)) {
    if (f.no === 1 && f.int !== undefined) dtype = Number(f.int);
    else if (f.no === 4 && f.bytes && f.bytes.length >= 4) {
      const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.length);
      value = dtype === 2 && f.bytes.length >= 8 ? v.getFloat64(0, true) : v.getFloat32(0, true);
    } else if (f.no === 5) value = f.view ? f.view.getFloat32(0, true) : f.bytes && f.bytes.length >= 4 ? new DataView(f.bytes.buffer, f.bytes.byteOffset, 4).getFloat32(0, true) : value;
    else if (f.no === 6) value = f.view ? f.view.getFloat64(0, true) : f.bytes && f.bytes.length >= 8 ? new DataView(f.bytes.buffer, f.bytes.byteOffset, 8).getFloat64(0, true) : value;
  }
  return value;
}

export interface ScalarPoint {
  tag: string;
  step: number;
  value: number;
}

/** Every scalar in one events file. */
export function readEventFile(path: string): ScalarPoint[] {
  const data = new Uint8Array(readFileSync(path));
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out: ScalarPoint[] = [];
  let at = 0;
  while (at + 12 <= data.length) {
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc32c(data.subarray(at, at + 8)) || at + 16 + len > data.length) break;
    const rec = data.subarray(at + 12, at + 12 + len);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc32c(rec)) break;
    at += 16 + len;
    let step = 0;
    for (const f of fields(rec)) {
      if (f.no === 2 && f.int !== undefined) step = Number(f.int);
      if (f.no !== 5 || !f.bytes) continue;
      for (const v of fields(f.bytes)) {
        if (v.no !== 1 || !v.bytes) continue;
        let tag = '';
        let value: number | undefined;
        for (const x of fields(v.bytes)) {
          if (x.no === 1 && x.bytes) tag = new TextDecoder().decode(x.bytes);
          else if (x.no === 2 && x.view) value = x.view.getFloat32(0, true);
          else if (x.no === 8 && x.bytes && value === undefined) value = tensorScalar(x.bytes);
        }
        if (tag && value !== undefined) out.push({ tag, step, value });
      }
    }
  }
  return out;
}

const eventFiles = (dir: string) => (existsSync(dir) ? readdirSync(dir).filter((f) => f.includes('tfevents')).sort().map((f) => join(dir, f)) : []);

/** A TensorBoard log folder (with train/ and validation/, as Keras writes them) as a run record. */
export function readTensorBoardRun(dir: string): RunRecord {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`${dir} is not a folder.`, 'Pick the log folder given to TensorBoard (the one holding train/ and validation/).', 'tensorboard-folder');
  const byEpoch = new Map<number, Record<string, number>>();
  const add = (sub: string, prefix: string) => {
    for (const file of eventFiles(join(dir, sub))) {
      for (const p of readEventFile(file)) {
        if (!p.tag.startsWith('epoch_')) continue;
        const name = p.tag.slice(6);
        const key = name === 'learning_rate' ? 'lr' : `${prefix}${name}`;
        const m = byEpoch.get(p.step + 1) ?? {};
        m[key] = p.value;
        byEpoch.set(p.step + 1, m);
      }
    }
  };
  add('train', '');
  add('validation', 'val_');
  add('.', '');
  if (!byEpoch.size) throw new UserError(`${dir} holds no epoch scalars.`, "Point at a folder written by Keras' TensorBoard callback or by Model Studio (events files under train/ and validation/).", 'tensorboard-empty');
  const epochs = [...byEpoch.entries()].sort((a, b) => a[0] - b[0]).map(([epoch, all]) => {
    const { lr, ...metrics } = all;
    return { type: 'epoch', epoch, metrics, ...(lr !== undefined ? { lr } : {}) };
  });
  return { id: basename(dir), dir, config: { source: 'tensorboard', logDir: dir }, epochs, end: null };
}

/** A TensorBoard log folder as a run Compare Runs can chart beside ours (named after the folder). */
export function tensorboardRunInfo(dir: string): RunInfo {
  const run = readTensorBoardRun(dir);
  const epochs = run.epochs.map((e) => ({ epoch: e.epoch as number, metrics: e.metrics as Record<string, number>, ...(e.lr !== undefined ? { lr: e.lr as number } : {}) }));
  const info = runInfo(`tensorboard:${dir}`, basename(dir), { name: `${basename(dir)} (TensorBoard)` }, { batches: [], epochs, histograms: [] });
  info.state = 'imported';
  return info;
}
