/**
 * The CI-sized fuzz run of issue 18: 2,000 runs with a fixed seed (1,984 model-command runs on mutants of every
 * real fixture and reader, 16 training runs on mutated CSV data). Every run must end in a clean error or a
 * success; a failure prints the seed, the mutant and the mutation. Longer runs: `npm run fuzz -- --count N --seed S`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure, fuzz, table } from './fuzz';

const SEED = 18;

test('fuzz: 2,000 mutant runs across every reader, command and the CSV loader end in a clean error or a success', { timeout: 15 * 60_000 }, async () => {
  const res = await fuzz({ count: 2000, seed: SEED, train: 16 });
  process.stdout.write(`# ${table(res.records).split('\n').join('\n# ')}\n# ${res.records.length} runs in ${(res.ms / 1000).toFixed(0)} s\n`);
  assert.ok(res.records.length >= 2000, `only ${res.records.length} runs`);
  for (const reader of ['tfjs', 'keras-json', 'h5', 'weights-h5', 'keras', 'onnx', 'train-csv']) {
    assert.ok(res.records.some((r) => r.reader === reader), `no runs for ${reader}`);
  }
  assert.equal(res.failures.length, 0, res.failures.map((f) => describeFailure(f, SEED)).join('\n'));
});
