/**
 * Bad inputs for every Keras format reader (architecture JSON, legacy .h5, .weights.h5 + JSON, .keras):
 * malformed JSON, truncated weights, weight shapes that contradict the config, unknown layer classes,
 * missing files and files that lead out of the model's folder. Each gives one UserError with a message and
 * a hint, and nothing is written. (TF.js' own cases are in test/unit/formats/tfjs.test.ts; the fixture-based
 * ones, a truncated real .h5 and a `../` zip entry, in keras-files.test.ts.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { readModel, writeModel } from '../../../src/formats/registry';
import { attr, attrString, getNode, readHdf5, writeHdf5, type H5DatasetNode, type H5GroupNode } from '../../../src/formats/hdf5';
import { decodeUtf8, encodeUtf8, type FormatId } from '../../../src/formats/format';

/** The XOR template with initial weights: small, and it has a Dense layer to break. */
function xor(): ModelFile {
  const file = getTemplate('xor')!.build();
  file.weights = reconcileWeights(file.graph, [], 7);
  return file;
}

/** The first Dense layer's name in `text` becomes an unknown class. */
const withUnknownClass = (text: string): string => {
  const out = text.replace(/"class_name": ?"Dense"/, '"class_name": "FancyLayer"');
  assert.notEqual(out, text, 'the config names a Dense layer');
  return out;
};

/** Half of a JSON text: a syntax error at its end. */
const cut = (text: string): string => text.slice(0, Math.floor(text.length / 2));

/** Reads an HDF5 file, lets `edit` change its tree, writes it back. */
async function editH5(file: string, edit: (root: H5GroupNode) => void): Promise<void> {
  const root = await readHdf5(new Uint8Array(await fs.readFile(file)), path.basename(file));
  edit(root);
  await fs.writeFile(file, await writeHdf5(root));
}

/** Gives the first kernel dataset below `root` a shape its config contradicts. */
function wrongKernelShape(root: H5GroupNode): void {
  const visit = (g: H5GroupNode): H5DatasetNode | undefined => {
    for (const v of g.children.values()) {
      if (v.kind === 'dataset' && v.shape.length === 2) return v;
      const d = v.kind === 'group' ? visit(v) : undefined;
      if (d) return d;
    }
    return undefined;
  };
  const kernel = visit(root);
  assert.ok(kernel, 'the file has a 2-D kernel');
  kernel.shape = [kernel.shape[1]!, kernel.shape[0]! + 1];
  kernel.data = new Float32Array(kernel.shape[0]! * kernel.shape[1]!);
}

async function editZip(file: string, edit: (entries: Record<string, Uint8Array>) => Promise<void> | void): Promise<void> {
  const entries = unzipSync(new Uint8Array(await fs.readFile(file)));
  await edit(entries);
  await fs.writeFile(file, zipSync(entries, { level: 0 }));
}

/**
 * Writes the xor model as `name` (in `formatId`, else the one the name implies) into a fresh folder (inside a parent, so an escape is visible), lets `spoil`
 * damage it, then checks that reading it fails with one UserError (message matching `re`, a hint) and that
 * neither folder changed.
 */
async function expectRefused(
  name: string,
  spoil: (file: string, dir: string) => Promise<void>,
  re: RegExp,
  formatId?: FormatId,
): Promise<void> {
  const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'ms-bad-'));
  try {
    const dir = path.join(parent, 'model');
    await fs.mkdir(dir);
    const file = path.join(dir, name);
    await writeModel(file, xor(), formatId);
    await spoil(file, dir);
    const before = await snapshot(parent);
    await assert.rejects(readModel(file), (e: unknown) => {
      assert.ok(isUserError(e), `expected a UserError, got ${String((e as Error)?.stack ?? e)}`);
      assert.match(e.message, re);
      assert.ok(e.hint && e.hint.length > 10, `"${e.message}" comes with a hint`);
      return true;
    });
    assert.deepEqual(await snapshot(parent), before, 'reading wrote nothing');
  } finally {
    await fs.rm(parent, { recursive: true, force: true });
  }
}

/** Every path below `dir` with its size. */
async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    const st = await fs.lstat(p);
    out.push(`${path.relative(dir, p)} ${st.isFile() ? st.size : st.isSymbolicLink() ? 'link' : 'dir'}`);
  }
  return out.sort();
}

const editText = async (file: string, f: (s: string) => string) => fs.writeFile(file, f(await fs.readFile(file, 'utf8')));
const truncateFile = async (file: string) => {
  const bytes = await fs.readFile(file);
  await fs.writeFile(file, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
};
/** Replaces `file` with a link to a copy of it placed outside the model's folder. */
const linkOutside = async (file: string, dir: string) => {
  const outside = path.join(path.dirname(dir), `outside-${path.basename(file)}`);
  await fs.rename(file, outside);
  await fs.symlink(outside, file);
};

describe('keras-json (model.to_json()) bad inputs', () => {
  const write = (spoil: (file: string) => Promise<void>, re: RegExp) => expectRefused('xor.json', spoil, re, 'keras-json');

  test('malformed JSON names line and column', () => write((f) => editText(f, cut), /xor\.json is not valid JSON at line \d+, column \d+/));
  test('an unknown layer class is named', () => write((f) => editText(f, withUnknownClass), /Unknown layer class 'FancyLayer'/));
  test('a missing file', async () => {
    await assert.rejects(readModel(path.join(os.tmpdir(), 'ms-none', 'absent.json')), (e: unknown) => isUserError(e) && /^File not found/.test(e.message) && !!e.hint);
  });
});

describe('keras-h5 (legacy full model .h5) bad inputs', () => {
  const modelConfig = (f: (s: string) => string) => (file: string) =>
    editH5(file, (root) => root.attrs.set('model_config', attr.vlenString(f(attrString(root.attrs.get('model_config'))!))));

  test('malformed model_config JSON', () => expectRefused('xor.h5', modelConfig(cut), /model_config attribute is not valid JSON/));
  test('a truncated file', () => expectRefused('xor.h5', truncateFile, /could not be read as HDF5/));
  test('a weight shape that contradicts the config', () =>
    expectRefused('xor.h5', (f) => editH5(f, (root) => wrongKernelShape(getNode(root, 'model_weights') as H5GroupNode)), /has shape \[\d+, \d+\] but the config of layer .* implies/));
  test('an unknown layer class', () => expectRefused('xor.h5', modelConfig(withUnknownClass), /Unknown layer class 'FancyLayer'/));
  test('weights only (save_weights) with no architecture JSON beside it', () =>
    expectRefused('xor.h5', (f) => editH5(f, (root) => {
      // What save_weights writes: the weights group at the root, no model_config.
      const mw = getNode(root, 'model_weights') as H5GroupNode;
      root.attrs = mw.attrs;
      root.children = mw.children;
    }), /holds only weights .* no architecture JSON was found/));
});

describe('keras-weights-h5 (.weights.h5 + architecture JSON) bad inputs', () => {
  const json = (file: string) => file.replace(/\.weights\.h5$/, '.json');

  test('malformed architecture JSON', () => expectRefused('xor.weights.h5', (f) => editText(json(f), cut), /xor\.json is not valid JSON at line/));
  test('a truncated weights file', () => expectRefused('xor.weights.h5', truncateFile, /could not be read as HDF5/));
  test('a weight shape that contradicts the config', () => expectRefused('xor.weights.h5', (f) => editH5(f, wrongKernelShape), /has shape \[\d+, \d+\] but the config of layer .* implies/));
  test('an unknown layer class in the JSON', () => expectRefused('xor.weights.h5', (f) => editText(json(f), withUnknownClass), /Unknown layer class 'FancyLayer'/));
  test('the architecture JSON is missing', () => expectRefused('xor.weights.h5', (f) => fs.rm(json(f)), /no architecture JSON was found next to it/));
  test('the architecture JSON is a link leading out of the folder', () =>
    expectRefused('xor.weights.h5', (f, dir) => linkOutside(json(f), dir), /"xor\.json" is a link to a file outside the model's folder/));
});

describe('keras-zip (.keras) bad inputs', () => {
  const config = (f: (s: string) => string) => (file: string) =>
    editZip(file, (e) => {
      e['config.json'] = encodeUtf8(f(decodeUtf8(e['config.json']!)));
    });

  test('malformed config.json', () => expectRefused('xor.keras', config(cut), /xor\.keras\/config\.json is not valid JSON at line/));
  test('a truncated archive', () => expectRefused('xor.keras', truncateFile, /xor\.keras is not a readable zip archive/));
  test('a weight shape that contradicts the config', () =>
    expectRefused('xor.keras', (f) =>
      editZip(f, async (e) => {
        const root = await readHdf5(e['model.weights.h5']!, 'model.weights.h5');
        wrongKernelShape(root);
        e['model.weights.h5'] = await writeHdf5(root);
      }), /has shape \[\d+, \d+\] but the config of layer .* implies/));
  test('an unknown layer class', () => expectRefused('xor.keras', config(withUnknownClass), /Unknown layer class 'FancyLayer'/));
  test('an archive without config.json', () => expectRefused('xor.keras', (f) => editZip(f, (e) => void delete e['config.json']), /xor\.keras has no config\.json/));
});
