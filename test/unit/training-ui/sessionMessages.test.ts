/** Train while the model trains asks first; the end of a session offers weights only when it trained some. */
import { strict as assert } from 'node:assert';
import { EventEmitter } from 'node:events';
import { describe, it } from 'node:test';
import type { SessionManager, StartRequest } from '../../../src/engine/sessions';
import { TrainingController } from '../../../src/extension/training/controller';
import { alreadyTrainingMessage, END_ACTIONS, endMessage, hasTrainedWeights } from '../../../src/extension/training/sessionMessages';

/** A manager whose sessions are plain emitters: the controller's bookkeeping without worker processes. */
function fakeManager(): SessionManager {
  let n = 0;
  return {
    start: () => Object.assign(new EventEmitter(), { id: `s${++n}`, modelName: 'mnist-cnn', runId: `run-${n}`, isEnded: false, watch: () => undefined }),
  } as unknown as SessionManager;
}
const request = { training: { epochs: 3 }, engine: 'cpu' } as unknown as StartRequest;

describe('a second Train of the same model', () => {
  it('finds the session running that model, and none once it ended or for another model', () => {
    const c = new TrainingController(fakeManager());
    const rec = c.start(request, '/w/mnist.model.json');
    assert.equal(c.runningFor('/w/mnist.model.json'), rec);
    assert.equal(c.runningFor('/w/other.model.json'), undefined);
    rec.session.emit('state', 'running');
    rec.epochs.push({ epoch: 1, metrics: { loss: 0.5 } });
    const q = alreadyTrainingMessage(rec);
    assert.equal(q.text, 'mnist-cnn is already training (run run-1, epoch 2 of 3).');
    assert.deepEqual(q.actions, ['Show Running Session', 'Start Another']);
    rec.session.emit('end', { status: 'stopped', epochs: 1, finalPath: '/w/final/model.json' });
    assert.equal(c.runningFor('/w/mnist.model.json'), undefined);
  });
});

describe('the end of a session', () => {
  it('stopped before the first epoch finished: says so, offers no weights', () => {
    const m = endMessage('mnist-cnn', { status: 'stopped', epochs: 0, finalPath: '/w/final/model.json' });
    assert.equal(m.text, 'mnist-cnn: training stopped before the first epoch finished: the model keeps its weights, there are no trained ones to apply.');
    assert.doesNotMatch(m.text, /\?/);
    assert.deepEqual(m.actions, []);
    assert.equal(hasTrainedWeights({ status: 'stopped', epochs: 0, finalPath: '/w/final/model.json' }), false);
  });
  it('after some epochs: counts them and offers the weights', () => {
    const m = endMessage('xor', { status: 'done', epochs: 1, finalPath: '/w/final/model.json', test: { accuracy: 0.5 } });
    assert.equal(m.text, 'xor: training done after 1 epoch. Test: accuracy 0.5000.');
    assert.deepEqual(m.actions, [END_ACTIONS.apply, END_ACTIONS.open, END_ACTIONS.tryIt]);
  });
  it('failed: the reason and Show Log', () => {
    const m = endMessage('xor', { status: 'failed', message: 'Out of memory.', hint: 'Lower the batch size.' });
    assert.deepEqual(m, { text: 'xor: Out of memory. Lower the batch size.', actions: [END_ACTIONS.log], error: true });
  });
});
