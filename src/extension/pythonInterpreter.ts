/**
 * Which Python the keras engine uses, in order: the `modelStudio.python.interpreter` setting; the interpreter
 * selected in the Python extension (ms-python.python), through its public API when that extension is
 * installed; otherwise none here, and the engine tries `python3` / `python` on PATH (src/engine/keras/python.ts).
 * No dependency on the Python extension: its API is read through `vscode.extensions.getExtension`, guarded.
 * No vscode import here, so the order is unit-tested with a fake extension object.
 */

/** The part of ms-python.python's exported API we use (its `environments` API, @vscode/python-extension). */
interface PythonEnvironmentsApi {
  getActiveEnvironmentPath(resource?: unknown): { id?: string; path: string } | undefined;
  resolveEnvironment?(env: { id?: string; path: string } | string): PromiseLike<{ executable?: { uri?: { fsPath: string } } } | undefined>;
}

/** What `vscode.extensions.getExtension('ms-python.python')` returns, as far as we read it. */
export interface PythonExtensionLike {
  readonly isActive: boolean;
  readonly exports: unknown;
  activate(): PromiseLike<unknown>;
}

export const PYTHON_EXTENSION_ID = 'ms-python.python';

function environmentsOf(api: unknown): PythonEnvironmentsApi | undefined {
  const envs = (api as { environments?: unknown } | undefined)?.environments as PythonEnvironmentsApi | undefined;
  return envs && typeof envs.getActiveEnvironmentPath === 'function' ? envs : undefined;
}

/** The interpreter the Python extension has selected for `resource`, or undefined (not installed, broken, none). */
export async function pythonFromExtension(ext: PythonExtensionLike | undefined, resource?: unknown): Promise<string | undefined> {
  if (!ext) return undefined;
  try {
    const envs = environmentsOf(ext.isActive ? ext.exports : await ext.activate());
    const active = envs?.getActiveEnvironmentPath(resource);
    if (!envs || !active?.path) return undefined;
    // The active path can be a folder (a virtual environment); resolving it gives the executable.
    const resolved = envs.resolveEnvironment ? await envs.resolveEnvironment(active) : undefined;
    return resolved?.executable?.uri?.fsPath || active.path;
  } catch {
    // A Python extension that fails to activate or answer is as good as none: PATH is next.
    return undefined;
  }
}

/** The setting, else the Python extension's interpreter, else undefined (the engine then looks on PATH). */
export async function pythonInterpreter(setting: string | undefined, ext: PythonExtensionLike | undefined, resource?: unknown): Promise<string | undefined> {
  if (setting && setting.trim() !== '') return setting;
  return pythonFromExtension(ext, resource);
}
