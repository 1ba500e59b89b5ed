/**
 * code-server as a user who is not root (issue 18): as root (CI) the server, its extension host and workers run
 * as `nobody`, for whom the filesystem root is not writable (see harness/user.ts); otherwise as the current
 * user. An .h5, a .keras, a TF.js and an ONNX model open in the editor with Keras' parameter totals, a model
 * trains, and nothing is written at `/` or anywhere outside the user's HOME, TMPDIR, server folders and workspace.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';
import { fixture } from '../harness/paths';
import { eventually, startSession, type Session } from '../harness/session';
import { unprivilegedUser, writtenOutside, type RunAs } from '../harness/user';

const MODELS: [file: string, total: string][] = [
  ['mlp.h5', '15'],
  ['mnist_model.keras', '34,826'],
  ['model.json', '3,051'],
  ['penguin.onnx', '83'],
];

function uidOf(pid: number): number {
  return Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
}

describe('e2e: code-server as a user who is not root', { timeout: 600_000 }, () => {
  let s: Session;
  let user: RunAs;
  const rootBefore = readdirSync('/');
  before(async () => {
    user = unprivilegedUser();
    s = await startSession('unprivileged', {
      user,
      files: {
        'mlp.h5': fixture('keras2-h5', 'simple_sparse_xent_mlp_keras_2_model.h5'),
        'mnist_model.keras': fixture('keras3', 'mnist_model.keras'),
        'model.json': fixture('tfjs-abalone', 'model.json'),
        'weights.bin': fixture('tfjs-abalone', 'weights.bin'),
        'penguin.onnx': fixture('onnx', 'penguin_model.onnx'),
      },
      settings: { 'modelStudio.training.engine': 'cpu' },
    });
  });
  after(async () => {
    await s?.close();
  });

  test('the extension host runs as that user', async () => {
    const hosts = await eventually('an extension host', () => s.server.extensionHostPids().length > 0 && s.server.extensionHostPids(), 60_000);
    assert.notEqual(user.uid, 0);
    for (const pid of hosts) assert.equal(uidOf(pid), user.uid, `extension host ${pid}`);
  });

  for (const [file, total] of MODELS) {
    test(`${file} opens in the editor and its summary gives ${total} parameters`, async () => {
      await s.wb.openFile(file);
      const f = await s.wb.webview('.ms-node', 90_000);
      assert.ok((await f.locator('.ms-node').count()) >= 2, `${file}: layers on the canvas`);
      await s.wb.runCommand('Model Studio: Show Model Summary');
      const summary = await s.wb.webview('[data-testid="summary-table"]', 60_000);
      assert.equal((await summary.locator('[data-testid="total-params"]').textContent())?.trim(), total);
      await s.shot(`open-${file.replace(/\W/g, '-')}`);
      await s.wb.runCommand('View: Close All Editor Groups');
    });
  }

  test('a new XOR model trains to the end', async () => {
    await s.wb.runCommand('Model Studio: New Model...');
    await s.wb.pick('xor');
    await s.wb.answerFileDialog();
    await s.wb.webview('.ms-node', 60_000);
    await s.wb.runCommand('Model Studio: Train');
    const done = await eventually('the final loss in the status bar', async () => (await s.wb.statusBarTexts()).find((t) => /^xor done · loss \d/.test(t)), 240_000);
    console.log(`status bar: "${done}"`);
    await s.shot('trained');
    assert.ok(readdirSync(s.workspace, { recursive: true }).some((p) => String(p).includes('.modelstudio')), 'the run folder is in the workspace');
  });

  test('nothing was written at / or outside the user\'s folders', () => {
    assert.deepEqual(writtenOutside(user, rootBefore), []);
  });
});
