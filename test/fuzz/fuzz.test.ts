/**
 * The CI-sized fuzz run of issue 18: 2,000 runs with a fixed seed: 1,864 model-command runs on mutants of every
 * real fixture and reader, 10 training runs on mutated CSV data, and 126 runs of the data loaders on mutated
 * .npy, .npz and images (120 through evaluate and predict in-process, 6 through train's worker: a train run
 * costs about 20 model runs, so the mix keeps the suite's time of the earlier 1,984 + 16). Every run must end
 * in a clean error or a success; a failure prints the seed, the mutant and the mutation.
 * Longer runs: `npm run fuzz -- --count N --seed S [--train T] [--data D]`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DATA_READERS } from './data';
import { describeFailure, fuzz, table } from './fuzz';

const SEED = 18;

test('fuzz: 2,000 mutant runs across every reader, command and data loader end in a clean error or a success', { timeout: 15 * 60_000 }, async () => {
  const res = await fuzz({ count: 2000, seed: SEED, train: 10, data: 126 });
  process.stdout.write(`# ${table(res.records).split('\n').join('\n# ')}\n# ${res.records.length} runs in ${(res.ms / 1000).toFixed(0)} s\n`);
  assert.ok(res.records.length >= 2000, `only ${res.records.length} runs`);
  for (const reader of ['tfjs', 'keras-json', 'h5', 'weights-h5', 'keras', 'onnx', 'train-csv', ...DATA_READERS]) {
    assert.ok(res.records.some((r) => r.reader === reader), `no runs for ${reader}`);
  }
  assert.equal(res.failures.length, 0, res.failures.map((f) => describeFailure(f, SEED)).join('\n'));
});
