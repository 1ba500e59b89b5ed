/**
 * Every real VS Code user is not root. This suite runs the CLI as an unprivileged user (as `nobody` through
 * setpriv when the tests run as root, as CI does; as the current user otherwise, who then is not root) and
 * checks that opening, summarising, converting and training work and that nothing is written outside the
 * user's own folder and the system temporary folder.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, repoRoot, tempDir } from '../../helpers/paths';

const NOBODY = 65534;
const asRoot = process.getuid?.() === 0;

/** A folder the unprivileged user owns, holding copies of the fixtures. */
function userHome(): string {
  const home = tempDir('ms-unpriv-');
  const files: [string, string][] = [
    [fixture('keras2-h5', 'simple_sparse_xent_mlp_keras_2_model.h5'), 'mlp.h5'],
    [fixture('keras2-h5', 'simple_sparse_xent_mlp_keras_2_weights.h5'), 'mlp.weights.h5'],
    [fixture('keras3', 'mnist_model.keras'), 'mnist.keras'],
    [fixture('keras3', 'mnist_model.h5'), 'mnist.h5'],
    [fixture('onnx', 'penguin_model.onnx'), 'penguin.onnx'],
  ];
  for (const [from, to] of files) copyFileSync(from, join(home, to));
  mkdirSync(join(home, 'abalone'));
  for (const f of ['model.json', 'weights.bin']) copyFileSync(fixture('tfjs-abalone', f), join(home, 'abalone', f));
  if (asRoot) {
    chmodSync(home, 0o755);
    for (const p of [home, join(home, 'abalone'), ...readdirSync(home).map((f) => join(home, f)), ...['model.json', 'weights.bin'].map((f) => join(home, 'abalone', f))]) {
      chownSync(p, NOBODY, NOBODY);
    }
  }
  return home;
}

/** Runs `model-studio ARGS` as the unprivileged user, HOME in its own folder. */
function cliAsUser(home: string, args: string[]): { code: number | null; out: string } {
  const cmd = asRoot ? ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath] : [process.execPath];
  const r = spawnSync(cmd[0], [...cmd.slice(1), join(repoRoot, 'bin', 'model-studio.js'), ...args], {
    cwd: home,
    encoding: 'utf8',
    env: { PATH: process.env.PATH, HOME: home, TMPDIR: home, CI: process.env.CI ?? '' },
    timeout: 240_000,
  });
  return { code: r.status, out: `${r.stdout}\n${r.stderr}${r.error ? `\n${r.error.message}` : ''}` };
}

function rootEntries(): string[] {
  return readdirSync('/').sort();
}

test('as a user who is not root: summary, convert and train work, and nothing lands at the filesystem root', { timeout: 600_000 }, () => {
  assert.notEqual(asRoot ? NOBODY : process.getuid?.(), 0, 'the suite must run the CLI as a user who is not root');
  const home = userHome();
  const before = rootEntries();

  for (const [file, total] of [
    ['mlp.h5', /Total params: /],
    ['mnist.keras', /Total params: /],
    ['mnist.h5', /Total params: /],
    ['penguin.onnx', /Total params: 83/],
    ['abalone/model.json', /Total params: 3,051/],
  ] as const) {
    const r = cliAsUser(home, ['summary', file]);
    assert.equal(r.code, 0, `summary ${file}: ${r.out}`);
    assert.match(r.out, total, `summary ${file}`);
  }

  for (const [from, to] of [
    ['abalone/model.json', 'out/abalone.h5'],
    ['abalone/model.json', 'out/abalone.keras'],
    ['mnist.keras', 'out/mnist-back.h5'],
    ['mlp.h5', 'out/mlp.json'],
  ] as const) {
    const r = cliAsUser(home, ['convert', from, to]);
    assert.equal(r.code, 0, `convert ${from} ${to}: ${r.out}`);
    assert.ok(existsSync(join(home, to)), `${to} was written`);
    assert.doesNotMatch(r.out, /HDF5-DIAG|Permission denied/);
    const back = cliAsUser(home, ['summary', to]);
    assert.equal(back.code, 0, `summary ${to}: ${back.out}`);
  }
  // An HDF5 file read back as HDF5 (not just "written"): the converted .h5 holds the abalone weights.
  assert.equal(readFileSync(join(home, 'out/abalone.h5')).subarray(0, 4).toString('latin1'), '\x89HDF');

  const created = cliAsUser(home, ['new', '--template', 'xor', 'xor']);
  assert.equal(created.code, 0, created.out);
  const trained = cliAsUser(home, ['train', 'xor/model.json', '--data', 'xor', '--epochs', '2', '--engine', 'cpu']);
  assert.equal(trained.code, 0, trained.out);

  assert.deepEqual(rootEntries(), before, 'nothing was created at the filesystem root');
});
