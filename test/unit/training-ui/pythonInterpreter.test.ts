// The keras engine's interpreter lookup in the extension: the setting, then the Python extension's selected
// interpreter (its public environments API, through a fake extension object here), then PATH.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { interpreterCandidates } from '../../../src/engine/keras/python';
import { pythonInterpreter, type PythonExtensionLike } from '../../../src/extension/pythonInterpreter';

function fakeExtension(o: { active?: boolean; path?: string; executable?: string; throws?: boolean; api?: unknown }) {
  const calls = { activate: 0, resource: [] as unknown[] };
  const api = o.api ?? {
    environments: {
      getActiveEnvironmentPath(resource?: unknown) {
        calls.resource.push(resource);
        return o.path === undefined ? undefined : { id: 'env', path: o.path };
      },
      async resolveEnvironment(env: { path: string }) {
        assert.equal(env.path, o.path);
        return o.executable ? { executable: { uri: { fsPath: o.executable } } } : undefined;
      },
    },
  };
  const ext: PythonExtensionLike = {
    isActive: o.active ?? false,
    exports: o.active ? api : undefined,
    async activate() {
      calls.activate++;
      if (o.throws) throw new Error('activation failed');
      return api;
    },
  };
  return { ext, calls };
}

describe('keras engine interpreter: setting, Python extension, PATH', () => {
  test('the setting comes first; the Python extension is not even activated', async () => {
    const { ext, calls } = fakeExtension({ path: '/venv', executable: '/venv/bin/python' });
    assert.equal(await pythonInterpreter('/opt/py/bin/python3', ext), '/opt/py/bin/python3');
    assert.equal(calls.activate, 0);
  });

  test("then the Python extension's selected interpreter, for the model's resource, resolved to its executable", async () => {
    const inactive = fakeExtension({ path: '/work/.venv', executable: '/work/.venv/bin/python' });
    assert.equal(await pythonInterpreter(undefined, inactive.ext, 'file:///work/model.keras'), '/work/.venv/bin/python');
    assert.equal(inactive.calls.activate, 1);
    assert.deepEqual(inactive.calls.resource, ['file:///work/model.keras']);
    const active = fakeExtension({ active: true, path: '/usr/bin/python3.12' });
    assert.equal(await pythonInterpreter('  ', active.ext), '/usr/bin/python3.12', 'a blank setting is no setting; unresolved: the active path');
    assert.equal(active.calls.activate, 0, 'an active extension is not activated again');
  });

  test('then PATH: no Python extension, one that fails, one without the environments API, or no selection', async () => {
    const cases: (PythonExtensionLike | undefined)[] = [
      undefined,
      fakeExtension({ throws: true }).ext,
      fakeExtension({ api: { settings: {} } }).ext,
      fakeExtension({ path: undefined }).ext,
      fakeExtension({ path: '' }).ext,
    ];
    for (const ext of cases) {
      const found = await pythonInterpreter(undefined, ext);
      assert.equal(found, undefined);
      // The engine then tries python3 and python on PATH.
      assert.deepEqual(interpreterCandidates(found, {}), ['python3', 'python']);
    }
  });
});
