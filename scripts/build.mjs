// Bundles the extension host, the training worker, the CLI and the webview with esbuild.
// tfjs stays out of the extension bundle: activation must not load it (the worker and CLI load it).
import * as esbuild from 'esbuild';
import { existsSync, mkdirSync, cpSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const watch = process.argv.includes('--watch');
const prod = process.argv.includes('--production');

// Native or wasm-carrying packages are loaded from node_modules at run time, never bundled.
const nodeExternals = [
  'vscode',
  '@tensorflow/tfjs-node',
  '@tensorflow/tfjs-node-gpu',
  'onnxruntime-node',
  'webgpu',
  'h5wasm',
  '@tensorflow/tfjs-backend-wasm',
];

const entries = [
  { in: 'src/extension/extension.ts', out: 'dist/extension.js', platform: 'node' },
  { in: 'src/engine/worker.ts', out: 'dist/worker.js', platform: 'node' },
  { in: 'src/cli.ts', out: 'dist/cli.js', platform: 'node' },
  { in: 'src/formats/hdf5-child-main.ts', out: 'dist/hdf5Child.js', platform: 'node' },
  { in: 'src/engine/predict/predictProbeWorker.ts', out: 'dist/predictProbeWorker.js', platform: 'node' },
  { in: 'webview/editor/main.tsx', out: 'dist/webview/editor.js', platform: 'browser' },
  { in: 'webview/training/main.ts', out: 'dist/webview/training.js', platform: 'browser' },
].filter((e) => existsSync(join(root, e.in)));

mkdirSync(join(root, 'dist/webview'), { recursive: true });
const contexts = [];
for (const e of entries) {
  const opts = {
    absWorkingDir: root,
    entryPoints: [e.in],
    outfile: e.out,
    bundle: true,
    platform: e.platform,
    format: e.platform === 'node' ? 'cjs' : 'iife',
    target: e.platform === 'node' ? 'node20' : 'chrome114',
    sourcemap: prod ? false : 'linked',
    minify: prod,
    external: e.platform === 'node' ? nodeExternals : [],
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file', '.svg': 'dataurl' },
    jsx: 'automatic',
    logLevel: 'warning',
    define: e.platform === 'browser' ? { 'process.env.NODE_ENV': prod ? '"production"' : '"development"' } : {},
  };
  if (watch) {
    const ctx = await esbuild.context(opts);
    await ctx.watch();
    contexts.push(ctx);
  } else {
    await esbuild.build(opts);
  }
}
// Codicons' font and CSS are served to the webview as local resources.
const codicons = join(root, 'node_modules/@vscode/codicons/dist');
if (existsSync(codicons)) {
  for (const f of ['codicon.css', 'codicon.ttf']) cpSync(join(codicons, f), join(root, 'dist/webview', f));
}
console.log(`built ${entries.length} bundles${watch ? ' (watching)' : ''}`);
