/**
 * Engine discovery: the fastest TensorFlow.js backend that loads and passes a smoke test, tried in the order
 * tensorflow-gpu (CUDA), tensorflow (libtensorflow), webgpu (Dawn), wasm, cpu. Every candidate that is skipped
 * gets a sentence a user can act on; nothing here throws a stack trace at the user.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { execFileSync, spawnSync } from 'node:child_process';
import { TFJS_ENGINE_IDS, type EngineChoice, type EngineId, type SkippedEngine } from '../../core/training';
import { UserError } from '../../core/types';
import { ownKernelsNote, registerFastKernels } from './kernels';
import { startThreaded, wasmThreadsWanted } from './wasmThreads';
import type { Tf } from './tf';

export type { EngineId, SkippedEngine };
export type EnginePreference = EngineChoice;
/** Fastest first: the order `auto` tries. */
export const ENGINE_ORDER: readonly EngineId[] = TFJS_ENGINE_IDS;

export interface LoadedEngine {
  tf: Tf;
  engine: EngineId;
  /** e.g. "webgpu · llvmpipe (Vulkan)", "cpu · JavaScript". */
  device: string;
  /** Faster engines that were not used, and why, in plain words. */
  skipped: SkippedEngine[];
}

/** A candidate failed to load; `message` is the plain-words reason shown to the user. */
export class EngineUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EngineUnavailable';
  }
}

/** A loader makes its backend current on the returned tf and names the device. */
export type EngineLoader = () => Promise<{ tf: Tf; device: string }>;

/** The `webgpu` npm package's surface that we use (injectable so tests can fake a machine without a GPU). */
export interface WebGpuModule {
  create(flags: string[]): GpuLike;
  globals: Record<string, unknown>;
}
interface GpuLike {
  requestAdapter(opts?: unknown): Promise<AdapterLike | null>;
}
interface AdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}

export interface EngineOptions {
  /** Extra folders with a `node_modules` (the extension's global storage, where "Install TensorFlow Engine..." puts tfjs-node). */
  extraDirs?: string[];
  /** Replace individual loaders (tests). */
  loaders?: Partial<Record<EngineId, EngineLoader>>;
  /** Replace the `webgpu` module (tests). */
  webgpuModule?: () => WebGpuModule;
  /** Run the smoke test (default true). */
  smokeTest?: boolean;
  /** Register the faster kernels of src/engine/tfjs/kernels over the stock ones (default true). */
  fastKernels?: boolean;
}

/** Extra engine folders from the option and `MODEL_STUDIO_ENGINE_DIR` (path-list separated). */
export function engineDirs(opts: EngineOptions = {}): string[] {
  const fromEnv = (process.env.MODEL_STUDIO_ENGINE_DIR ?? '').split(process.platform === 'win32' ? ';' : ':').filter(Boolean);
  return [...(opts.extraDirs ?? []), ...fromEnv];
}

/**
 * Load an engine. `auto` tries every engine fastest first and returns the first that works; a named engine is
 * tried alone and a failure is a UserError with the reason (silently training on another engine would hide it).
 */
/**
 * tfjs' production mode only silences its console advice (e.g. "install tfjs-node to speed things up"), which
 * contradicts the engine report users already get; numerical checks are unaffected.
 */
function quiet(tf: Tf): Tf {
  tf.env().set('PROD', true);
  return tf;
}

export async function loadEngine(preference: EnginePreference = 'auto', opts: EngineOptions = {}): Promise<LoadedEngine> {
  const order = preference === 'auto' ? ENGINE_ORDER : [preference];
  if (preference !== 'auto' && !ENGINE_ORDER.includes(preference)) {
    throw new UserError(`Unknown engine "${String(preference)}".`, `Use one of: auto, ${ENGINE_ORDER.join(', ')}.`, 'unknown-engine');
  }
  const skipped: SkippedEngine[] = [];
  for (const engine of order) {
    const loader = opts.loaders?.[engine] ?? defaultLoader(engine, opts, preference === 'auto');
    try {
      const { tf, device } = await loader();
      // Our faster kernels go in before the smoke test, so the test checks what training will run.
      const fast = opts.fastKernels !== false && !opts.loaders?.[engine];
      if (fast) registerFastKernels(tf, tf.getBackend());
      if (opts.smokeTest !== false) await smokeTest(tf, engine);
      const note = fast ? ownKernelsNote(tf) : undefined;
      return { tf, engine, device: note ? `${device} · ${note}` : device, skipped };
    } catch (e) {
      skipped.push({ engine, reason: reasonOf(engine, e) });
    }
  }
  const last = skipped[skipped.length - 1];
  throw new UserError(
    preference === 'auto' ? 'No training engine could be loaded.' : `The ${preference} engine could not be loaded: ${last?.reason ?? ''}`,
    preference === 'auto' ? skipped.map((s) => `${s.engine}: ${s.reason}`).join('; ') : 'Choose "auto" to use the fastest engine that loads.',
    'engine-unavailable',
  );
}

function reasonOf(engine: EngineId, e: unknown): string {
  if (e instanceof EngineUnavailable) return e.message;
  const msg = e instanceof Error ? e.message : String(e);
  return `${engine} failed to start: ${msg.split('\n')[0]}`;
}

function defaultLoader(engine: EngineId, opts: EngineOptions, auto: boolean): EngineLoader {
  switch (engine) {
    case 'tensorflow-gpu':
      return () => loadTfjsNode('@tensorflow/tfjs-node-gpu', engine, engineDirs(opts));
    case 'tensorflow':
      return () => loadTfjsNode('@tensorflow/tfjs-node', engine, engineDirs(opts));
    case 'webgpu':
      return () => loadWebGpu(opts.webgpuModule ?? (() => require('webgpu') as WebGpuModule), { allowSoftware: !auto, probeInChild: !opts.webgpuModule });
    case 'wasm':
      return loadWasm;
    case 'cpu':
      return loadCpu;
    case 'keras':
      return () => Promise.reject(new EngineUnavailable('keras trains in Python (src/engine/keras), not in TensorFlow.js.'));
  }
}

// ---------------------------------------------------------------------------------------------------------
// tfjs-node / tfjs-node-gpu

/** Resolve a package from the extra folders first, then from our own node_modules. */
export function resolvePackage(pkg: string, dirs: string[]): string | undefined {
  for (const dir of dirs) {
    try {
      return createRequire(join(dir, 'noop.js')).resolve(pkg);
    } catch {
      /* not in this folder */
    }
  }
  try {
    return require.resolve(pkg);
  } catch {
    return undefined;
  }
}

async function loadTfjsNode(pkg: string, engine: EngineId, dirs: string[]): Promise<{ tf: Tf; device: string }> {
  const resolved = resolvePackage(pkg, dirs);
  if (!resolved) {
    throw new EngineUnavailable(
      `not installed (${pkg}); use "Model Studio: Install TensorFlow Engine..." or \`npm install ${pkg}\` to add it.`,
    );
  }
  let tf: Tf;
  try {
    tf = require(resolved) as Tf;
  } catch (e) {
    throw new EngineUnavailable(nativeLoadReason(pkg, e instanceof Error ? e.message : String(e)));
  }
  const ok = await tf.setBackend('tensorflow');
  if (!ok) throw new EngineUnavailable(`${pkg} loaded but its "tensorflow" backend did not start.`);
  return { tf, device: engine === 'tensorflow-gpu' ? `tensorflow-gpu · ${cudaDeviceName()} (CUDA)` : 'tensorflow · CPU (libtensorflow)' };
}

/** Turn a dlopen error into a sentence: which library is missing and what the package needs. */
export function nativeLoadReason(pkg: string, msg: string): string {
  const lib = /([\w.+-]+\.so(?:\.[\d.]+)?|[\w.-]+\.dll|[\w.-]+\.dylib): cannot open shared object file/.exec(msg)?.[1]
    ?? /Library not loaded: (\S+)/.exec(msg)?.[1];
  if (lib) {
    const needs = pkg.endsWith('-gpu') ? 'tfjs-node-gpu needs CUDA 11.2 and cuDNN 8.1' : 'tfjs-node needs libtensorflow, which its install downloads';
    return `${lib} not found — ${needs}.`;
  }
  if (/tfjs_binding\.node|Cannot find module/.test(msg)) {
    return `${pkg} is installed but its native library is missing (its install could not download libtensorflow); reinstall it with internet access.`;
  }
  return `${pkg} failed to load: ${msg.split('\n')[0]}`;
}

function cudaDeviceName(): string {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=name', '--format=csv,noheader'], { timeout: 2000, encoding: 'utf8' });
    return out.split('\n')[0].trim() || 'GPU';
  } catch {
    return 'GPU';
  }
}

// ---------------------------------------------------------------------------------------------------------
// webgpu (Dawn for Node)

function gpuApiName(): string {
  return process.platform === 'darwin' ? 'Metal' : process.platform === 'win32' ? 'D3D12' : 'Vulkan';
}

/** Is a Vulkan loader library on this Linux machine? (Dawn prints its own warning to stderr; we need words.) */
function hasVulkanLoader(): boolean {
  const dirs = ['/usr/lib/x86_64-linux-gnu', '/usr/lib/aarch64-linux-gnu', '/usr/lib64', '/usr/lib', '/usr/local/lib'];
  const fromEnv = (process.env.LD_LIBRARY_PATH ?? '').split(':').filter(Boolean);
  return [...fromEnv, ...dirs].some((d) => existsSync(join(d, 'libvulkan.so.1')));
}

/** Why no adapter: a sentence for this platform. */
export function noAdapterReason(platform: NodeJS.Platform = process.platform, vulkanLoader = hasVulkanLoader()): string {
  if (platform === 'linux') {
    return vulkanLoader
      ? 'no GPU adapter found — Vulkan is installed but no Vulkan driver offered a device; install your GPU driver or Mesa 25 (mesa-vulkan-drivers from bookworm-backports) for the llvmpipe software driver.'
      : 'no GPU adapter found — the Vulkan loader (libvulkan.so.1) is not installed; install libvulkan1 and a Vulkan driver (your GPU driver, or mesa-vulkan-drivers from bookworm-backports for software rendering).';
  }
  return `no GPU adapter found — ${gpuApiName()} offered no device.`;
}

let webgpuBackendRequired = false;

/** Software Vulkan/WebGPU rasterisers: a CPU pretending to be a GPU. */
export function isSoftwareAdapter(info: AdapterLike['info'] & { isFallbackAdapter?: boolean } = {}): boolean {
  return Boolean(info.isFallbackAdapter) || /llvmpipe|lavapipe|swiftshader|softpipe|warp/i.test(`${info.description ?? ''} ${info.device ?? ''} ${info.architecture ?? ''}`);
}

function softwareAdapterReason(info: AdapterLike['info'] = {}): string {
  const name = info?.description || info?.device || 'software';
  return `only a software GPU adapter was found (${name}); wasm is faster on the CPU. Choose the webgpu engine explicitly to use it anyway.`;
}

type AdapterInfo = NonNullable<AdapterLike['info']> & { isFallbackAdapter?: boolean };

/**
 * The adapter Dawn would give, asked in a short child process whose stderr is dropped: its info, null when
 * there is none, undefined when the probe itself failed (then the in-process request decides).
 */
function probeAdapterInChild(): AdapterInfo | null | undefined {
  let modulePath: string;
  try {
    modulePath = require.resolve('webgpu');
  } catch {
    return undefined;
  }
  const script = `const g=require(${JSON.stringify(modulePath)}).create([]);g.requestAdapter({powerPreference:'high-performance'}).then((a)=>{const i=a&&a.info||{};process.stdout.write(JSON.stringify(a?{vendor:i.vendor,architecture:i.architecture,device:i.device,description:i.description,isFallbackAdapter:!!(a.isFallbackAdapter||i.isFallbackAdapter)}:null));process.exit(0)},()=>process.exit(3))`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000, stdio: ['ignore', 'pipe', 'ignore'] });
  if (r.status !== 0) return undefined;
  try {
    return JSON.parse(r.stdout) as AdapterInfo | null;
  } catch {
    return undefined;
  }
}

/**
 * `allowSoftware: false` (auto) skips software adapters: on llvmpipe tfjs-webgpu trained mnist-mlp at ~280
 * samples/s where wasm did ~3,700 on the same 2-core machine. Choosing webgpu explicitly still uses it.
 */
export async function loadWebGpu(getModule: () => WebGpuModule, opts: { allowSoftware?: boolean; probeInChild?: boolean } = {}): Promise<{ tf: Tf; device: string }> {
  let mod: WebGpuModule;
  try {
    mod = getModule();
  } catch (e) {
    throw new EngineUnavailable(`the webgpu package (Dawn) did not load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  // In `auto`, look at the adapter from a child process first: Dawn prints warnings about software adapters
  // (llvmpipe's limits) straight to this process's stderr, the user's terminal, before we can skip them.
  if (opts.allowSoftware === false && opts.probeInChild !== false) {
    const probed = probeAdapterInChild();
    if (probed === null) throw new EngineUnavailable(noAdapterReason());
    if (probed && isSoftwareAdapter(probed)) throw new EngineUnavailable(softwareAdapterReason(probed));
  }
  const gpu = mod.create([]);
  // Ask for an adapter ourselves first: tfjs' webgpu factory dereferences a null adapter with a TypeError.
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new EngineUnavailable(noAdapterReason());
  if (opts.allowSoftware === false && isSoftwareAdapter(adapter.info)) throw new EngineUnavailable(softwareAdapterReason(adapter.info));
  // tfjs-backend-webgpu registers itself only when navigator.gpu exists at the time it is first required,
  // and its shaders use the WebGPU constants (GPUBufferUsage, ...) as globals.
  Object.assign(globalThis, mod.globals);
  Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  const tf = quiet(require('@tensorflow/tfjs') as Tf);
  if (!webgpuBackendRequired) {
    require('@tensorflow/tfjs-backend-webgpu');
    webgpuBackendRequired = true;
  }
  if (!tf.findBackendFactory('webgpu')) {
    throw new EngineUnavailable('the TensorFlow.js webgpu backend did not register (navigator.gpu was not visible to it).');
  }
  const ok = await tf.setBackend('webgpu');
  if (!ok) throw new EngineUnavailable('the TensorFlow.js webgpu backend did not start on this adapter.');
  const info = adapter.info ?? {};
  const name = (info.description || [info.vendor, info.device].filter(Boolean).join(' ') || 'GPU').trim();
  return { tf, device: `webgpu · ${name} (${gpuApiName()})` };
}

// ---------------------------------------------------------------------------------------------------------
// wasm and cpu

/** The folder holding tfjs-backend-wasm's .wasm files on disk. */
export function wasmDistDir(): string {
  return dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'));
}

let wasmPathsSet = false;

async function loadWasm(): Promise<{ tf: Tf; device: string }> {
  const tf = quiet(require('@tensorflow/tfjs') as Tf);
  let wasm: typeof import('@tensorflow/tfjs-backend-wasm');
  try {
    wasm = require('@tensorflow/tfjs-backend-wasm');
  } catch (e) {
    throw new EngineUnavailable(`the wasm backend package did not load: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  if (!tf.findBackendFactory('wasm')) {
    throw new EngineUnavailable('the wasm backend registered itself with a different copy of TensorFlow.js (a packaging problem).');
  }
  if (!wasmPathsSet) {
    // In Node the backend reads the .wasm file from disk; without this it looks next to the bundle.
    wasm.setWasmPaths(wasmDistDir() + '/');
    wasmPathsSet = true;
  }
  const ok = await startWasm(tf, wasm);
  if (!ok) throw new EngineUnavailable('the WebAssembly module did not start.');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = wasm.getThreadsCount();
  const features = [simd ? 'SIMD' : 'no SIMD', threads > 1 ? `${threads} threads` : ''].filter(Boolean).join(', ');
  return { tf, device: `wasm · WebAssembly (${features})` };
}

/**
 * The threaded SIMD build on every core (src/engine/tfjs/wasmThreads.ts), or the single-threaded one when
 * threads are turned off (MODEL_STUDIO_WASM_THREADS=1) or the threaded build does not start.
 */
async function startWasm(tf: Tf, wasm: typeof import('@tensorflow/tfjs-backend-wasm')): Promise<boolean> {
  const threads = wasmThreadsWanted();
  if (threads > 1) {
    const ok = await startThreaded(tf, wasm, threads, () => tf.setBackend('wasm')).catch(() => false);
    if (ok) return true;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  return tf.setBackend('wasm');
}

async function loadCpu(): Promise<{ tf: Tf; device: string }> {
  const tf = quiet(require('@tensorflow/tfjs') as Tf);
  const ok = await tf.setBackend('cpu');
  if (!ok) throw new EngineUnavailable('the cpu backend did not start.');
  return { tf, device: 'cpu · JavaScript' };
}

// ---------------------------------------------------------------------------------------------------------

/**
 * A tiny matmul and its gradient, values checked: catches backends that load but compute garbage (a broken
 * driver, a shader compiler bug) before a user's training run does.
 * loss = sum((x·w)^2) with x=[[1,2],[3,4]], w=[[0.5],[-1]] → 8.5; dloss/dw = 2·xᵀ(x·w) = [[-18],[-26]].
 */
export async function smokeTest(tf: Tf, engine: EngineId): Promise<void> {
  const x = tf.tensor2d([
    [1, 2],
    [3, 4],
  ]);
  const w = tf.tensor2d([[0.5], [-1]]);
  try {
    const f = (wv: import('@tensorflow/tfjs').Tensor) => tf.sum(tf.square(tf.matMul(x, wv as import('@tensorflow/tfjs').Tensor2D)));
    const { value, grad } = tf.valueAndGrad(f)(w);
    const [v, g] = await Promise.all([value.data(), grad.data()]);
    tf.dispose([value, grad]);
    const close = (a: number, b: number) => Math.abs(a - b) < 1e-3 * Math.max(1, Math.abs(b));
    if (!close(v[0], 8.5) || !close(g[0], -18) || !close(g[1], -26)) {
      throw new EngineUnavailable(
        `the smoke test computed wrong values (loss ${v[0]}, gradient [${g[0]}, ${g[1]}] instead of 8.5, [-18, -26]) on ${engine}.`,
      );
    }
  } finally {
    tf.dispose([x, w]);
  }
}
