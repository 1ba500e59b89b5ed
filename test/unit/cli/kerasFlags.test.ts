// The keras engine's `model-studio train` flags: --coordinator/--num-processes/--process-id (mistakes are usage
// errors with a hint, nothing trains; process 0's command lines for the others read back unchanged) and
// --mixed-precision (a bad policy is a usage error; a tfjs engine refuses the option with the reason).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { clusterProblems, defaultTrainingConfig } from '../../../src/core/training';
import { parseHostToWorker } from '../../../src/protocol/worker';
import { otherProcessCommands } from '../../../src/cli/cluster';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';

describe('train on several machines: flags', () => {
  test('every mistake is one usage error with a hint, before anything trains', async () => {
    const dir = tempDir();
    assert.equal((await runCli(['new', '--template', 'xor', dir])).code, 0);
    const model = join(dir, 'model.json');
    const base = ['train', model, '--data', 'xor', '--engine', 'keras', '--batch-size', '4'];
    const cases: [string[], RegExp, RegExp][] = [
      [['--coordinator', '127.0.0.1:1234'], /needs --num-processes and --process-id too/, /--num-processes 2 --process-id 0/],
      [['--coordinator', 'nohost', '--num-processes', '2', '--process-id', '0'], /--coordinator must be HOST:PORT/, /e\.g\./],
      [['--coordinator', 'h:1', '--num-processes', '1', '--process-id', '0'], /--num-processes must be a whole number of at least 2/, /e\.g\./],
      [['--coordinator', 'h:1', '--num-processes', '2', '--process-id', '2'], /--process-id must be a whole number from 0 to 1 \(got 2\)/, /e\.g\./],
      [['--coordinator', 'h:1', '--num-processes', '3', '--process-id', '0'], /batch size 4 does not split evenly over 3 processes/, /multiple of 3/],
      [['--coordinator', 'h:1', '--num-processes', '2', '--process-id', '0', '--devices', '2'], /--devices is for one machine/, /Leave out --devices/],
    ];
    for (const [flags, message, hint] of cases) {
      const r = await runCli([...base, ...flags]);
      assert.equal(r.code, 1, flags.join(' '));
      assert.match(r.stderr, message);
      assert.match(r.stderr, new RegExp(`hint: .*${hint.source}`));
      assert.doesNotMatch(r.stdout, /Epoch|Run folder/);
    }
    const tfjs = await runCli(['train', model, '--data', 'xor', '--engine', 'cpu', '--coordinator', 'h:1', '--num-processes', '2', '--process-id', '0']);
    assert.match(tfjs.stderr, /needs --engine keras/);
  });

  test('core checks the spec as the worker protocol does', () => {
    assert.deepEqual(clusterProblems({ coordinator: '10.0.0.1:1234', processes: 4, processId: 3 }), {});
    assert.deepEqual(clusterProblems({ coordinator: '[::1]:80', processes: 2, processId: 0 }), {});
    assert.deepEqual(Object.keys(clusterProblems({ coordinator: 'h:0', processes: 2.5, processId: 0 })), ['coordinator', 'num-processes']);
    const job = { sessionId: 's', model: { graph: { name: 'm', layers: [], inputs: [], outputs: [] }, weights: [] }, training: defaultTrainingConfig(), engine: 'keras', baseDir: '/', runDir: '/r' };
    assert.ok(parseHostToWorker({ type: 'start', job: { ...job, cluster: { coordinator: 'h:1', processes: 2, processId: 1 }, devices: 'all' } }));
    assert.equal(parseHostToWorker({ type: 'start', job: { ...job, cluster: { coordinator: 'h:1', processes: 2, processId: 2 } } }), undefined);
    assert.equal(parseHostToWorker({ type: 'start', job: { ...job, devices: 0 } }), undefined);
    // Whether the animation is watched rides with the job: a boolean or nothing.
    assert.equal((parseHostToWorker({ type: 'start', job, watching: true }) as { watching?: boolean }).watching, true);
    assert.equal(parseHostToWorker({ type: 'start', job, watching: 'yes' }), undefined);
  });

  test("process 0's command lines: the same train command with each other --process-id, read back by a shell", () => {
    const args = ['m o d e l.json', '--data', "csv:it's.csv?label=y", '--process-id=0', '--coordinator', 'h:1', '--num-processes', '3'];
    const lines = otherProcessCommands(args, { coordinator: 'h:1', processes: 3, processId: 0 });
    assert.equal(lines.length, 2);
    for (const [i, line] of lines.entries()) {
      const words = execFileSync('bash', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' }).trimEnd().split('\n');
      assert.deepEqual(words, ['model-studio', 'train', 'm o d e l.json', '--data', "csv:it's.csv?label=y", '--coordinator', 'h:1', '--num-processes', '3', '--process-id', String(i + 1)]);
    }
  });
});

describe('train --mixed-precision', () => {
  test('an unknown policy is a usage error; a tfjs engine refuses a policy and nothing is written', async () => {
    const dir = tempDir();
    assert.equal((await runCli(['new', '--template', 'xor', dir])).code, 0);
    const model = join(dir, 'model.json');
    const before = readFileSync(model);
    const bad = await runCli(['train', model, '--data', 'xor', '--mixed-precision', 'float16']);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /--mixed-precision must be mixed_bfloat16, mixed_float16 or off \(got "float16"\)/);
    assert.match(bad.stderr, /hint: .*--engine keras/);
    const tfjs = await runCli(['train', model, '--data', 'xor', '--engine', 'cpu', '--mixed-precision', 'mixed_bfloat16', '--workspace', dir]);
    assert.equal(tfjs.code, 1);
    assert.match(tfjs.stderr, /Mixed precision \(mixed_bfloat16\) needs the keras engine/);
    assert.deepEqual(readFileSync(model), before);
  });
});
