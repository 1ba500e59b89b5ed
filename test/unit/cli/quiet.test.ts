/**
 * The CLI's stderr carries our own messages only: no Dawn adapter warnings from trying the webgpu engine on
 * a software GPU, no TensorFlow.js "install tfjs-node" banner, no deprecation notices. Run as a real process,
 * since those come from native code and libraries writing to the process's own stderr.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeNpy } from '../../../src/engine/datasets/npy';
import { repoRoot, tempDir } from '../../helpers/paths';

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', `require('./src/cli.ts').main(${JSON.stringify(args)}).then((c) => { process.exitCode = c; })`], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 180_000,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('predict (engine auto) and convert to .onnx print nothing on stderr', { timeout: 400_000 }, () => {
  const dir = tempDir();
  assert.equal(cli(['new', '--template', 'linear-regression', join(dir, 'm')]).code, 0);
  writeFileSync(join(dir, 'x.npy'), writeNpy({ dtype: '<f4', shape: [4, 3], data: new Float32Array(12).fill(0.5) }));
  const predicted = cli(['predict', join(dir, 'm', 'model.json'), '--input', join(dir, 'x.npy'), '--output', join(dir, 'y.npy')]);
  assert.equal(predicted.code, 0, predicted.stderr);
  assert.equal(predicted.stderr, '', 'predict writes nothing to stderr');
  const converted = cli(['convert', join(dir, 'm', 'model.json'), join(dir, 'm.onnx')]);
  assert.equal(converted.code, 0, converted.stderr);
  assert.equal(converted.stderr, '', 'convert writes nothing to stderr');
  assert.doesNotMatch(converted.stdout, /looks like you are running TensorFlow\.js in Node/);
});
