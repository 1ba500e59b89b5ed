/**
 * Every real VS Code user is not root. This suite runs the CLI as an unprivileged user (as `nobody` through
 * setpriv when the tests run as root, as CI does; as the current user otherwise, who then is not root) and
 * checks that opening, summarising, converting and training `.h5`, `.keras`, `.weights.h5`, TF.js and ONNX
 * files work, and that nothing is written outside the user's own folders: its HOME, its workspace and its
 * temporary folder (all under one base folder here).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../../src/engine/datasets/npy';
import { fixture, repoRoot, tempDir } from '../../helpers/paths';

const npyF32 = (shape: number[], data: Float32Array) => writeNpy({ dtype: '<f4', shape, data });

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

interface User {
  /** Everything the user owns: HOME, the workspace, TMPDIR. */
  base: string;
  home: string;
  work: string;
  tmp: string;
}

/** The user's folders, the workspace holding copies of the fixtures and a small dataset for each model. */
function makeUser(): User {
  const base = tempDir('ms-unpriv-');
  const u: User = { base, home: join(base, 'home'), work: join(base, 'work'), tmp: join(base, 'tmp') };
  for (const d of [u.home, u.work, u.tmp, join(u.work, 'abalone')]) mkdirSync(d);
  const files: [string, string][] = [
    [fixture('keras2-h5', 'simple_sparse_xent_mlp_keras_2_model.h5'), 'mlp.h5'],
    [fixture('keras3', 'mnist_model.keras'), 'mnist.keras'],
    [fixture('keras3', 'mnist_model.h5'), 'mnist.h5'],
    [fixture('onnx', 'penguin_model.onnx'), 'penguin.onnx'],
    [fixture('tfjs-abalone', 'model.json'), 'abalone/model.json'],
    [fixture('tfjs-abalone', 'weights.bin'), 'abalone/weights.bin'],
  ];
  for (const [from, to] of files) copyFileSync(from, join(u.work, to));
  // Datasets in numpy's format (written by the product's writer, which numpy reads: test/fixtures/npy): mnist-shaped images with integer labels, penguin one-hot rows.
  writeFileSync(join(u.work, 'mx.npy'), npyF32([16, 28, 28, 1], new Float32Array(16 * 784).map((_, i) => (i % 97) / 97)));
  writeFileSync(join(u.work, 'my.npy'), npyF32([16], new Float32Array(16).map((_, i) => i % 10)));
  writeFileSync(join(u.work, 'my1hot.npy'), npyF32([16, 10], new Float32Array(160).map((_, i) => (i % 10 === Math.floor(i / 10) % 10 ? 1 : 0))));
  writeFileSync(join(u.work, 'px.npy'), npyF32([12, 4], new Float32Array(48).map((_, i) => (i % 7) / 7)));
  writeFileSync(join(u.work, 'py.npy'), npyF32([12, 3], new Float32Array(36).map((_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0))));
  if (asRoot) {
    chmodSync(base, 0o755);
    execFileSync('chown', ['-R', `${NOBODY}:${NOBODY}`, base]);
    chownSync(base, NOBODY, NOBODY);
  }
  return u;
}

/** Runs `model-studio ARGS` as the unprivileged user in its workspace, HOME and TMPDIR its own. */
function cli(u: User, args: string[]): { code: number | null; out: string } {
  const cmd = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath] : [process.execPath];
  const r = spawnSync(cmd[0]!, [...cmd.slice(1), join(repoRoot, 'bin', 'model-studio.js'), ...args], {
    cwd: u.work,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: u.home, TMPDIR: u.tmp, CI: process.env.CI ?? '' },
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

function ok(u: User, args: string[], expect?: RegExp): string {
  const r = cli(u, args);
  assert.equal(r.code, 0, `${args.join(' ')}: ${r.out}`);
  assert.doesNotMatch(r.out, /HDF5-DIAG|Permission denied|EACCES/, args.join(' '));
  if (expect) assert.match(r.out, expect, args.join(' '));
  return r.out;
}

/**
 * Files the user wrote outside `base` since `since`. As root: every file owned by `nobody` anywhere on the
 * root file system and in /dev/shm (nobody owns nothing else, so any is ours). Otherwise: the entries of `/`
 * and of the real HOME, which other processes of this user may also touch, so only new names count.
 */
function writtenOutside(u: User, since: string, before: string[]): string[] {
  if (!asRoot) return entriesOutside().filter((p) => !before.includes(p));
  const out = spawnSync('find', ['/', '/dev/shm', '-xdev', '(', '-path', '/proc', '-o', '-path', '/sys', '-o', '-path', u.base, ')', '-prune', '-o', '-user', String(NOBODY), '-newer', since, '-print'], { encoding: 'utf8', maxBuffer: 64 * 1024 ** 2 });
  return out.stdout.split('\n').filter(Boolean);
}

function entriesOutside(): string[] {
  const home = process.env.HOME ?? '/';
  return [...readdirSync('/').map((f) => join('/', f)), ...(existsSync(home) ? readdirSync(home).map((f) => join(home, f)) : [])];
}

test('as a user who is not root: open, summarise, convert and train every format; nothing written outside its folders', { timeout: 900_000 }, () => {
  assert.notEqual(asRoot ? NOBODY : process.getuid?.(), 0, 'the suite must run the CLI as a user who is not root');
  const u = makeUser();
  const since = join(tempDir('ms-unpriv-mark-'), 'since');
  writeFileSync(since, '');
  const before = entriesOutside();
  const rootBefore = readdirSync('/').sort();

  summariesAndConverts(u);
  weightsH5AndOnnx(u);
  training(u);

  assert.deepEqual(readdirSync('/').sort(), rootBefore, 'nothing was created at the filesystem root (the root is not writable for this user)');
  if (asRoot) assert.notEqual(statSync('/').mode & 0o002, 0o002, 'the filesystem root is read-only for the user');
  assert.deepEqual(writtenOutside(u, since, before), [], 'nothing written outside HOME, the workspace and TMPDIR');
});

function summariesAndConverts(u: User): void {
  for (const [file, total] of [
    ['mlp.h5', /Total params: 15/],
    ['mnist.keras', /Total params: 34,826/],
    ['mnist.h5', /Total params: 34,826/],
    ['penguin.onnx', /Total params: 83/],
    ['abalone/model.json', /Total params: 3,051/],
  ] as const) ok(u, ['summary', file], total);

  for (const [from, to] of [
    ['abalone/model.json', 'out/abalone.h5'],
    ['abalone/model.json', 'out/abalone.keras'],
    ['mnist.keras', 'out/mnist-back.h5'],
    ['mlp.h5', 'out/mlp.json'],
  ] as const) {
    ok(u, ['convert', from, to]);
    assert.ok(existsSync(join(u.work, to)), `${to} was written`);
    ok(u, ['summary', to]);
  }
  // An HDF5 file read back as HDF5 (not just "written"): the converted .h5 holds the abalone weights.
  assert.equal(readFileSync(join(u.work, 'out/abalone.h5')).subarray(0, 4).toString('latin1'), '\x89HDF');
}

/** Keras 3 `.weights.h5` (with its JSON beside it) and ONNX, both ways. */
function weightsH5AndOnnx(u: User): void {
  ok(u, ['convert', 'mnist.keras', 'w/mnist.weights.h5']);
  assert.equal(readFileSync(join(u.work, 'w/mnist.weights.h5')).subarray(0, 4).toString('latin1'), '\x89HDF');
  ok(u, ['summary', 'w/mnist.weights.h5'], /Total params: 34,826[\s\S]*Weights: attached/);
  ok(u, ['convert', 'w/mnist.weights.h5', 'out/from-weights.keras']);
  ok(u, ['summary', 'out/from-weights.keras'], /Total params: 34,826/);

  ok(u, ['convert', 'penguin.onnx', 'out/penguin.keras']);
  ok(u, ['convert', 'penguin.onnx', 'out/penguin.h5']);
  ok(u, ['summary', 'out/penguin.h5'], /Total params: 83/);
  // To ONNX: verified against ONNX Runtime (as this user) before the file is written.
  ok(u, ['convert', 'abalone/model.json', 'out/abalone.onnx']);
  ok(u, ['summary', 'out/abalone.onnx'], /Total params: 3,051/);
}

function training(u: User): void {
  ok(u, ['new', '--template', 'xor', 'xor']);
  ok(u, ['train', 'xor/model.json', '--data', 'xor', '--epochs', '2', '--engine', 'cpu'], /Saved trained weights/);
  // The .keras and .h5 carry Keras' compile config (sparse labels); the weights pair's JSON does not (one-hot).
  for (const [model, labels] of [['mnist.keras', 'my.npy'], ['mnist.h5', 'my.npy'], ['w/mnist.weights.h5', 'my1hot.npy']] as const) {
    const before = readFileSync(join(u.work, model));
    ok(u, ['train', model, '--data', `npy:mx.npy,${labels}`, '--epochs', '1', '--batch-size', '8', '--engine', 'cpu'], /Saved trained weights/);
    assert.notDeepEqual(readFileSync(join(u.work, model)), before, `${model}: the trained weights were saved`);
  }
  const onnxBefore = readFileSync(join(u.work, 'penguin.onnx'));
  ok(u, ['train', 'penguin.onnx', '--data', 'npy:px.npy,py.npy', '--epochs', '2', '--engine', 'cpu'], /Saved trained weights/);
  assert.notDeepEqual(readFileSync(join(u.work, 'penguin.onnx')), onnxBefore);
  ok(u, ['summary', 'penguin.onnx'], /Total params: 83/);
}
