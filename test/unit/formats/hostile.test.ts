/**
 * Issue 18's reproducers for model files: each hostile or broken file is refused with one clear UserError
 * (and, for writes, nothing on disk changes).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { deflateRawSync } from 'node:zlib';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { isUserError } from '../../../src/core/types';
import { refuses } from '../../helpers/assertions';
import { parseJsonFile } from '../../../src/formats/format';
import { readHdf5 } from '../../../src/formats/hdf5';
import { readModel, requireValidModel, writeModel } from '../../../src/formats/registry';
import { unzipChecked } from '../../../src/formats/zip';
import { crc32, crc32Table } from '../../../src/formats/crc32';
import { readNpz, writeNpy } from '../../../src/engine/datasets/npy';
import { onnx } from '../../../src/formats/onnx/proto';
import { chainJson } from '../../bench/analysis.bench';

const REAL = '/work/shared/fixtures/real'.replace('/work/shared', join(__dirname, '..', '..', '..', '..', '..', 'shared'));
const real = (p: string) => (existsSync(join(REAL, p)) ? join(REAL, p) : join('/work/shared/fixtures/real', p));
const tmp = () => mkdtempSync(join(tmpdir(), 'ms-hostile-'));


/** A zip whose first central-directory entry declares `size` as its unpacked size. */
function zipDeclaring(size: number): Uint8Array {
  const z = zipSync({ 'config.json': [new TextEncoder().encode('{}'), { level: 0 }] });
  const v = new DataView(z.buffer);
  for (let i = z.length - 22; i >= 0; i--) {
    if (v.getUint32(i, true) === 0x02014b50) {
      v.setUint32(i + 24, size, true);
      break;
    }
  }
  return z;
}

test('zip: 0xFFFFFFFF sizes without a zip64 field are refused before inflating (.keras and npz), not looped on', async () => {
  const z = zipDeclaring(0xffffffff);
  await refuses(() => unzipChecked(z, 'm.keras'), 'zip-unreadable', /zip64/);
  await refuses(() => readNpz(z, 'data.npz'), 'zip-unreadable', /zip64/);
  const dir = tmp();
  writeFileSync(join(dir, 'm.keras'), z);
  await refuses(readModel(join(dir, 'm.keras')), 'zip-unreadable');
});

test('zip: a declared size over the limit and a compression ratio of a bomb are refused; a lying entry is cut off', async () => {
  await refuses(() => unzipChecked(zipDeclaring(0xfffffff0), 'm.keras'), /zip-unreadable|limit-unpackedBytes/);
  const zeros = new Uint8Array(64 * 1024 ** 2);
  const bomb = zipSync({ 'model.weights.h5': [zeros, { level: 9 }] });
  await refuses(() => unzipChecked(bomb, 'bomb.keras'), 'limit-zipRatio', /times its packed size/);
  // An entry that declares 10 bytes but inflates to more.
  const liar = zipSync({ 'a.npy': [new Uint8Array(5000), { level: 9 }] });
  const v = new DataView(liar.buffer);
  for (let i = liar.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 24, 10, true);
  await refuses(() => unzipChecked(liar, 'x.npz'), 'zip-unreadable', /more than the 10 bytes/);
  assert.ok(deflateRawSync(new Uint8Array(4)).length > 0);
});

/** `z` with the CRC-32 of every central-directory entry changed (offset 16 of the entry). */
function flipCrc(z: Uint8Array): Uint8Array {
  const bad = z.slice();
  const v = new DataView(bad.buffer);
  for (let i = bad.length - 22; i >= 0; i--) if (v.getUint32(i, true) === 0x02014b50) v.setUint32(i + 16, v.getUint32(i + 16, true) ^ 1, true);
  return bad;
}

test('zip: an entry whose bytes do not match its CRC-32 is "damaged" (stored and deflated; .keras and npz)', async () => {
  const data = new TextEncoder().encode('{"class_name": "Sequential"}'.repeat(50));
  const npy = writeNpy({ dtype: '<f4', shape: [300], data: new Float32Array(300).fill(0.5) });
  for (const level of [0, 9] as const) {
    const z = zipSync({ 'config.json': [data, { level }] });
    assert.equal(unzipChecked(z, 'm.keras').get('config.json')!.length, data.length);
    await refuses(() => unzipChecked(flipCrc(z), 'm.keras'), 'zip-unreadable', /config\.json" is damaged: its CRC-32 is 0x[0-9a-f]{8}, the archive says 0x[0-9a-f]{8}/);
    const npz = zipSync({ 'x.npy': [npy, { level }] });
    assert.equal(readNpz(npz, 'd.npz').get('x')!.shape[0], 300);
    await refuses(() => readNpz(flipCrc(npz), 'd.npz'), 'zip-unreadable', /x\.npy" is damaged: its CRC-32/);
  }
  // A flipped byte inside a stored entry's data (what a damaged download does).
  const flipped = zipSync({ 'config.json': [data, { level: 0 }] });
  flipped[30 + 'config.json'.length + 10] ^= 0x20;
  await refuses(() => unzipChecked(flipped, 'm.keras'), 'zip-unreadable', /CRC-32/);
  // The table version (hosts without zlib.crc32) agrees with the native one.
  const bytes = new Uint8Array(100_003).map((_, i) => (i * 2654435761) >>> 24);
  assert.equal(crc32Table(bytes), crc32(bytes));
  assert.equal(crc32Table(new TextEncoder().encode('123456789')), 0xcbf43926);
});

test('zip: entry names that escape the archive are refused', async () => {
  const z = zipSync({ '../evil.json': [new Uint8Array(2), { level: 0 }] });
  await refuses(() => unzipChecked(z, 'm.keras'), 'zip-unsafe-entry');
});

test('.keras whose weights are model.weights.npz is refused, not read as "no weights"', async () => {
  const z = zipSync({ 'config.json': [readKerasConfig(), { level: 0 }], 'model.weights.npz': [new Uint8Array(8), { level: 0 }] });
  const dir = tmp();
  writeFileSync(join(dir, 'm.keras'), z);
  await refuses(readModel(join(dir, 'm.keras')), 'keras-npz', /model\.weights\.npz/);
});

function readKerasConfig(): Uint8Array {
  const all = unzipChecked(new Uint8Array(readFileSync(real('keras3/mnist_model.keras'))), 'mnist_model.keras');
  return all.get('config.json')!;
}

test('JSON: deep nesting and unclosed brackets are a clean limit error, not a stack overflow', async () => {
  for (const text of ['['.repeat(200_000), `${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`]) {
    await refuses(() => parseJsonFile(new TextEncoder().encode(text), 'model.json'), 'limit-jsonDepth', /too deeply/);
  }
  const dir = tmp();
  writeFileSync(join(dir, 'model.json'), '['.repeat(1_000_000));
  await refuses(readModel(join(dir, 'model.json')), 'limit-jsonDepth');
});

test('HDF5: a hard-link cycle is refused (all readers share readHdf5), and a parse over the time limit ends as "damaged"', async () => {
  const h5 = (await import('h5wasm' as string)) as typeof import('h5wasm');
  await h5.ready;
  const p = `/cycle-${process.pid}.h5`;
  const f = new h5.File(p, 'w');
  const g = f.create_group('model_weights');
  g.create_hard_link('/model_weights', 'loop');
  f.close();
  const bytes = new Uint8Array(h5.FS!.readFile(p));
  h5.FS!.unlink(p);
  await refuses(readHdf5(bytes, 'cycle.h5'), /h5-link-cycle|limit-h5Objects/);
  const dir = tmp();
  writeFileSync(join(dir, 'cycle.h5'), bytes);
  await refuses(readModel(join(dir, 'cycle.h5')), /h5-link-cycle|limit-h5Objects|h5-not-keras/);
  process.env.MODEL_STUDIO_MAX_H5_SECONDS = '0.001';
  try {
    await refuses(readHdf5(new Uint8Array(readFileSync(real('keras3/mnist_model.h5'))), 'mnist_model.h5'), 'h5-damaged', /this \.h5 file is damaged: .*did not finish/);
  } finally {
    delete process.env.MODEL_STUDIO_MAX_H5_SECONDS;
  }
  // The child is replaced: the next read works.
  const root = await readHdf5(new Uint8Array(readFileSync(real('keras3/mnist_model.h5'))), 'mnist_model.h5');
  assert.ok(root.children.has('model_weights'));
});

/** The abalone TF.js model with its first Dense layer's units set to `units`, architecture only. */
function abaloneWith(dir: string, edit: (layers: { config: Record<string, unknown>; class_name: string }[]) => void): string {
  const m = JSON.parse(readFileSync(real('tfjs-abalone/model.json'), 'utf8'));
  delete m.weightsManifest;
  edit(m.modelTopology.config.layers);
  const p = join(dir, 'model.json');
  writeFileSync(p, JSON.stringify(m));
  return p;
}

test('one validation: units -1 and a zero kernel are refused by summary/convert as check reports them; 2^53+2 units hit the dimension limit', async () => {
  const dir = tmp();
  const model = await readModel(abaloneWith(dir, (l) => (l[0]!.config.units = -1)));
  await refuses(() => requireValidModel(model, 'model.json'), 'invalid-model', /units must be at least 1/);
  await refuses(readModel(abaloneWith(dir, (l) => (l[0]!.config.units = 2 ** 53 + 2))), 'limit-dimension');
  await refuses(readModel(abaloneWith(dir, (l) => (l[0]!.config.units = 1e9))), /limit-tensorElements|limit-params/);
});

test('one validation: a cyclic graph is refused by summary and convert', async () => {
  const dir = tmp();
  const m = JSON.parse(readFileSync(real('keras2-weights-json/toyresnet/modelConfig.json'), 'utf8'));
  const layers = m.config.layers;
  layers[1].inbound_nodes = [[[layers[layers.length - 1].name, 0, 0, {}]]];
  writeFileSync(join(dir, 'cyclic.json'), JSON.stringify(m));
  const model = await readModel(join(dir, 'cyclic.json'));
  await refuses(() => requireValidModel(model, 'cyclic.json'), 'invalid-model', /cycle/);
});

test('limits: a 100,000-layer chain is refused with the setting that raises it', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'chain.json'), chainJson(100_000));
  try {
    await readModel(join(dir, 'chain.json'));
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isUserError(e));
    assert.equal(e.code, 'limit-layers');
    assert.match(e.hint!, /MODEL_STUDIO_MAX_LAYERS/);
  }
});

/** The penguin ONNX model with one edit, written to a file. */
function penguinWith(dir: string, edit: (m: onnx.ModelProto) => void): string {
  const m = onnx.ModelProto.decode(readFileSync(real('onnx/penguin_model.onnx')));
  edit(m);
  const p = join(dir, 'm.onnx');
  writeFileSync(p, onnx.ModelProto.encode(m).finish());
  return p;
}

test('ONNX: unknown domains, opsets 1 and 9999, string inputs, auto_pad EVIL, zero strides and a [2^62, 2^62] Reshape are refused', async () => {
  const dir = tmp();
  const AT = onnx.AttributeProto.AttributeType;
  const cases: [string, (m: onnx.ModelProto) => void, RegExp][] = [
    ['domain', (m) => (m.graph!.node![0]!.domain = 'evil.example'), /domain 'evil\.example'/],
    ['opset 1', (m) => (m.opsetImport![0]!.version = 1 as never), /opset 1;/],
    ['opset 9999', (m) => (m.opsetImport![0]!.version = 9999 as never), /opset 9999/],
    ['string input', (m) => (m.graph!.input![0]!.type!.tensorType!.elemType = onnx.TensorProto.DataType.STRING), /STRING values/],
    ['auto_pad', (m) => m.graph!.node![0]!.attribute!.push(onnx.AttributeProto.create({ name: 'auto_pad', type: AT.STRING, s: new TextEncoder().encode('EVIL') })), /auto_pad "EVIL"/],
    ['strides', (m) => m.graph!.node![0]!.attribute!.push(onnx.AttributeProto.create({ name: 'strides', type: AT.INTS, ints: [0, 0] as never })), /strides \[0, 0\]/],
    [
      'reshape',
      (m) => {
        const big = new DataView(new ArrayBuffer(16));
        big.setBigInt64(0, 2n ** 62n, true);
        big.setBigInt64(8, 2n ** 62n, true);
        m.graph!.initializer!.push(onnx.TensorProto.create({ name: 'huge_shape', dataType: onnx.TensorProto.DataType.INT64, dims: [2] as never, rawData: new Uint8Array(big.buffer) }));
        m.graph!.node!.push(onnx.NodeProto.create({ opType: 'Reshape', name: 'r', input: [m.graph!.output![0]!.name!, 'huge_shape'], output: ['r_out'] }));
      },
      /reshapes to \[46116860184273/,
    ],
  ];
  for (const [what, edit, text] of cases) {
    await refuses(readModel(penguinWith(dir, edit)), 'onnx-invalid', text).catch((e) => assert.fail(`${what}: ${e.message}`));
  }
  // Truncation: our words, not protobufjs'.
  writeFileSync(join(dir, 't.onnx'), readFileSync(real('onnx/wuhan_mnist-sm.onnx')).subarray(0, 645));
  await refuses(readModel(join(dir, 't.onnx')), 'onnx-invalid', /ends early/);
});

test('writes: a failed check before the write leaves an existing model.onnx untouched and no temporary file', async () => {
  const dir = tmp();
  const model = await readModel(real('tfjs-abalone/model.json'));
  writeFileSync(join(dir, 'model.onnx'), 'EXISTING');
  await assert.rejects(
    writeModel(join(dir, 'model.onnx'), model, undefined, undefined, async () => {
      throw new Error('verification failed');
    }),
  );
  assert.equal(readFileSync(join(dir, 'model.onnx'), 'utf8'), 'EXISTING');
  assert.deepEqual(execFileSync('ls', ['-A', dir], { encoding: 'utf8' }).trim().split('\n'), ['model.onnx']);
});
