/**
 * What the live charts draw for a session's metric keys: a single-output model's metrics as before; a model
 * with several outputs gets the total loss first, then each output's loss and metrics together, titled and
 * labelled by output and drawn in the output's own colour.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseMetrics } from '../../../src/core/training';
import { chartedMetrics } from '../../../webview/training/chartedMetrics';

const colors = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];

test('one output: the metrics in their order, batch colours by metric, epoch train/val in the first two', () => {
  const got = chartedMetrics(baseMetrics(['loss', 'accuracy', 'val_loss', 'val_accuracy']), colors);
  assert.deepEqual(got, [
    { key: 'loss', metric: 'loss', title: 'loss', label: 'loss', color: 'blue', train: 'blue', val: 'orange' },
    { key: 'accuracy', metric: 'accuracy', title: 'accuracy', label: 'accuracy', color: 'orange', train: 'blue', val: 'orange' },
  ]);
});

test("two outputs (Keras 3's History keys): the total loss, then each output's family (its loss first) in its own colour", () => {
  // The order Keras 3.15 lists them in: alphabetical, so the outputs' keys interleave.
  const keys = ['cls_accuracy', 'cls_loss', 'loss', 'reg_loss', 'reg_mae', 'val_cls_accuracy', 'val_cls_loss', 'val_loss', 'val_reg_loss', 'val_reg_mae'];
  const got = chartedMetrics(baseMetrics(keys), colors);
  assert.deepEqual(
    got.map((c) => [c.key, c.output, c.title, c.label, c.train, c.val]),
    [
      ['loss', undefined, 'loss', 'loss', 'blue', 'orange'],
      ['cls_loss', 'cls', 'cls · loss', 'cls loss', 'green', 'green'],
      ['cls_accuracy', 'cls', 'cls · accuracy', 'cls accuracy', 'green', 'green'],
      ['reg_loss', 'reg', 'reg · loss', 'reg loss', 'purple', 'purple'],
      ['reg_mae', 'reg', 'reg · mae', 'reg mae', 'purple', 'purple'],
    ],
  );
});
