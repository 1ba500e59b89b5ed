/** The training vocabulary (src/core/training) and the message helper (src/protocol/message.ts). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ENGINE_CHOICES, parseDataSpec, splitDataSpec } from '../../../src/core/training';
import { command, notification, protocol, request } from '../../../src/protocol/message';
import { isPredictAnswer, type FromPredictWorker } from '../../../src/protocol/predict';
import { parseHostToWorker, parseWorkerToHost } from '../../../src/protocol/worker';

describe('training vocabulary', () => {
  test("package.json's modelStudio.training.engine enum is the core list of engine choices", () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.configuration.properties['modelStudio.training.engine'].enum, [...ENGINE_CHOICES]);
  });

  test('one data-spec parser: the form keeps option text as written, the engine gets it decoded', () => {
    assert.deepEqual(splitDataSpec('csv:a b.csv?label=my+col'), { kind: 'csv', path: 'a b.csv', options: { label: 'my+col' } });
    assert.deepEqual(parseDataSpec('csv:a b.csv?label=my+col'), { kind: 'csv', paths: ['a b.csv'], options: { label: 'my col' } });
    assert.deepEqual(parseDataSpec('text:t.txt?seq=a%3Db'), { kind: 'text', paths: ['t.txt'], options: { seq: 'a=b' } });
    assert.throws(() => parseDataSpec('mnist:x'), /Unknown dataset/);
    assert.throws(() => parseDataSpec('csv'), /has no path/);
  });
});

describe('message helper', () => {
  type M = { type: 'go' } | { type: 'say'; text: string } | { type: 'ask'; id: number; q: string };
  const parse = protocol<M>({
    go: command(),
    say: notification((m) => typeof m.text === 'string'),
    ask: request((m) => typeof m.q === 'string'),
  });

  test('each type has its reader; unknown types, non-objects and inherited names are dropped', () => {
    assert.deepEqual(parse({ type: 'go', extra: 1 }), { type: 'go' });
    assert.deepEqual(parse({ type: 'say', text: 'hi' }), { type: 'say', text: 'hi' });
    assert.equal(parse({ type: 'say', text: 3 }), undefined);
    assert.deepEqual(parse({ type: 'ask', id: 7, q: '?' }), { type: 'ask', id: 7, q: '?' });
    assert.equal(parse({ type: 'ask', q: '?' }), undefined);
    for (const bad of [null, 'go', [], { type: 'toString' }, { type: 'constructor' }, { kind: 'go' }]) assert.equal(parse(bad), undefined);
  });

  test('the worker protocol carries sample counts as numbers, not only as text', () => {
    const data = { type: 'data', train: 'xor: 4 samples', samples: { train: 4 } };
    assert.deepEqual(parseWorkerToHost(data), data);
    assert.equal(parseWorkerToHost({ type: 'data', train: 'xor: 4 samples' }), undefined);
    assert.deepEqual(parseHostToWorker({ type: 'stop', keep: 'epoch' }), { type: 'stop', keep: 'epoch' });
    assert.equal(parseHostToWorker({ type: 'stop', keep: 'all' }), undefined);
  });

  test('a predict request knows its answer', () => {
    const loaded: FromPredictWorker = { type: 'loaded', id: 1, info: { kind: 'none', reason: '' }, engine: 'cpu' };
    assert.equal(isPredictAnswer('load', loaded), true);
    assert.equal(isPredictAnswer('predict', loaded), false);
  });
});
