// The README's test command. `npm test` sets up what the suites need and is missing (system packages,
// code-server, the Python environment), then runs lint and every suite with Node's own test runner
// (TypeScript through tsx). `npm test -- unit` (or lint, keras, fuzz, onnx-backend, webview, e2e) runs one, with only its set-up;
// `npm test -- setup` only sets up.
// Every set-up step is idempotent and takes a second or two when everything is already there.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePythonEnv } from './python-env.mjs';

const root = new URL('..', import.meta.url).pathname;
const all = ['lint', 'unit', 'keras', 'fuzz', 'onnx-backend', 'webview', 'e2e'];
const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
// `npm test -- setup` only installs what every suite needs.
const setupOnly = wanted.length === 1 && wanted[0] === 'setup';
const suites = wanted.length && !setupOnly ? wanted : all;
const unknown = suites.filter((s) => !all.includes(s));
if (unknown.length) fail(`unknown suite: ${unknown.join(', ')} (suites: ${all.join(', ')})`);

/** What each suite needs installed first: unit tests the WebGPU engine on Mesa's Vulkan; keras runs real Keras. */
const setupFor = {
  lint: [],
  unit: ['system'],
  keras: ['python'],
  // Mutants of the real fixtures through every reader and command (fixed seed, bounded count).
  fuzz: [],
  // The ONNX project's backend test data (vendored) through import and the TF.js engine.
  'onnx-backend': [],
  webview: ['system', 'build'],
  e2e: ['system', 'code-server', 'build', 'python'],
};
const needs = new Set(suites.flatMap((s) => setupFor[s]));

function fail(message) {
  console.error(message);
  process.exit(1);
}

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts }).status === 0;
}

function ensureSystemPackages() {
  if (run('bash', ['.ci/install-system-deps.sh', '--check'])) return;
  if (process.getuid?.() !== 0) {
    fail('The tests need the system packages above. Install them with\n  sudo bash .ci/install-system-deps.sh\nthen run `npm test` again.');
  }
  if (!run('bash', ['.ci/install-system-deps.sh'])) fail('installing the system packages failed (see above)');
}

function findTests(dir) {
  if (!existsSync(dir)) return [];
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...findTests(p));
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out.sort();
}

// Set-up, in dependency order: code-server's install needs ripgrep and libkrb5-dev from the system step.
const t0 = Date.now();
if (needs.has('system')) ensureSystemPackages();
if (needs.has('code-server') && !run('bash', ['.ci/install-code-server.sh'])) fail('installing code-server failed (see above)');
if (needs.has('python') && !ensurePythonEnv()) fail('setting up the Python environment failed (see above)');
if (needs.has('build') && !run(process.execPath, [join(root, 'scripts/build.mjs')])) fail('the build failed');
if (needs.size) console.log(`set-up done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
if (setupOnly) process.exit(0);

// Lint first; a lint failure still lets the suites run, so one run reports both, and fails at the end.
let lintOk = true;
if (suites.includes('lint')) {
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  lintOk = run(process.execPath, [eslint, 'src', 'webview']);
  console.log(lintOk ? 'lint: clean' : 'lint: FAILED (layer rule and size limits: README, "For contributors")');
}

const testSuites = suites.filter((s) => s !== 'lint');
let testsOk = true;
if (testSuites.length) {
  const files = testSuites.flatMap((s) => findTests(join(root, 'test', s)));
  if (files.length === 0) fail(`no test files found for: ${testSuites.join(', ')}`);
  testsOk = run(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...files], {
    env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=8192' },
  });
}
if (!lintOk) console.error('lint failed (see its report above the tests)');
process.exit(lintOk && testsOk ? 0 : 1);
