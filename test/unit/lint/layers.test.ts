// Lint is what keeps the layers apart, so it is tested like code: plant a forbidden import in a file that
// would live in a given folder and show that the project's ESLint configuration rejects it, and that the
// imports each layer is allowed still pass. The files are linted as text under their would-be paths.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';

const root = join(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

/** The rule ids lint reports for `code` placed at `file` (repo-relative). */
async function rulesHit(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);
}

async function rejects(file: string, code: string, rule: string): Promise<void> {
  assert.deepEqual(await rulesHit(file, code), [rule], `${file} should be rejected by ${rule}:\n${code}`);
}

async function passes(file: string, code: string): Promise<void> {
  assert.deepEqual(await rulesHit(file, code), [], `${file} should pass lint:\n${code}`);
}

test('src/core imports nothing outside src/core: no vscode, no tfjs, no Node, no other layer', async () => {
  await rejects('src/core/planted.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'local/layers');
  await rejects('src/core/planted.ts', "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n", 'local/layers');
  await rejects('src/core/planted.ts', "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", 'local/layers');
  await rejects('src/core/planted.ts', "import { join } from 'path';\nexport const j = join;\n", 'local/layers');
  await rejects('src/core/training/planted.ts', "import type { X } from '../../protocol/training';\nexport type Y = X;\n", 'local/layers');
  await rejects('src/core/planted.ts', "export async function f() { return import('vscode'); }\n", 'local/layers');
  await rejects('src/core/planted.ts', "export { a } from '../engine/engines';\n", 'local/layers');
  await passes('src/core/training/planted.ts', "import type { Graph } from '../types';\nimport { x } from './config';\nexport const y: Graph | number = x;\n");
});

test('src/protocol imports only src/core', async () => {
  await rejects('src/protocol/planted.ts', "import { fit } from '../engine/training/fit';\nexport const f = fit;\n", 'local/layers');
  await rejects('src/protocol/planted.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'local/layers');
  await passes('src/protocol/planted.ts', "import type { Graph } from '../core/types';\nexport type G = Graph;\n");
});

test('src/formats imports only src/core', async () => {
  await rejects('src/formats/onnx/planted.ts', "import pkg from '../../../package.json';\nexport const v = pkg.version;\n", 'local/layers');
  await rejects('src/formats/planted.ts', "import { x } from '../protocol/editor';\nexport const y = x;\n", 'local/layers');
  await passes('src/formats/onnx/planted.ts', "import { g } from '../../core/graph';\nimport { p } from '../paths';\nimport { readFileSync } from 'node:fs';\nexport const all = [g, p, readFileSync];\n");
});

test('src/engine imports core, protocol and formats, never the extension', async () => {
  await rejects('src/engine/planted.ts', "import { activate } from '../extension/extension';\nexport const a = activate;\n", 'local/layers');
  await rejects('src/engine/training/planted.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'local/layers');
  await passes(
    'src/engine/training/planted.ts',
    "import * as tf from '@tensorflow/tfjs';\nimport { a } from '../../core/types';\nimport { b } from '../../protocol/worker';\nimport { c } from '../../formats/registry';\nexport const all = [tf, a, b, c];\n",
  );
});

test('src/extension and src/cli import any of src but not the webview', async () => {
  await rejects('src/extension/planted.ts', "import { App } from '../../webview/editor/App';\nexport const a = App;\n", 'local/layers');
  await rejects('src/cli/planted.ts', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'local/layers');
  await passes('src/extension/training/planted.ts', "import * as vscode from 'vscode';\nimport { j } from '../../engine/job';\nexport const all = [vscode, j];\n");
});

test('the webview imports only src/core, src/protocol, itself and browser packages', async () => {
  await rejects('webview/editor/planted.tsx', "import * as tf from '@tensorflow/tfjs';\nexport const t = tf;\n", 'local/layers');
  await rejects('webview/editor/planted.tsx', "import * as vscode from 'vscode';\nexport const v = vscode;\n", 'local/layers');
  await rejects('webview/editor/planted.tsx', "import { readFile } from 'node:fs/promises';\nexport const r = readFile;\n", 'local/layers');
  await rejects('webview/editor/planted.tsx', "import { fit } from '../../src/engine/training/fit';\nexport const f = fit;\n", 'local/layers');
  await passes(
    'webview/editor/planted.tsx',
    "import { useState } from 'react';\nimport type { Graph } from '../../src/core/types';\nimport type { M } from '../../src/protocol/editor';\nimport { x } from '../shared/x';\nexport const all = [useState, x] as unknown as [Graph, M];\n",
  );
});

/** A file of `n` lines, blank lines and comments among them (they count too). */
function fileOfLines(n: number, header = ''): string {
  const lines = header ? [header] : [];
  while (lines.length < n) lines.push(lines.length % 3 === 0 ? '' : lines.length % 3 === 1 ? '// a comment' : `export const v${lines.length} = 1;`);
  return `${lines.join('\n')}\n`;
}

/** A function whose body makes it exactly `n` lines long, counting blank lines and comments. */
function functionOfLines(n: number): string {
  const body = Array.from({ length: n - 2 }, (_, i) => (i % 2 ? '' : '  // step'));
  return `export const f = () => {\n${body.join('\n')}\n};\n`;
}

test('size limits count every line: 450 a file, 100 a function', async () => {
  await passes('src/core/planted.ts', fileOfLines(450));
  await rejects('src/core/planted.ts', fileOfLines(451), 'max-lines');
  await passes('webview/editor/planted.tsx', functionOfLines(100));
  await rejects('webview/editor/planted.tsx', functionOfLines(101), 'max-lines-per-function');
});

test('a size limit is waived only at the top of the file, with a reason', async () => {
  await passes('src/formats/planted.ts', fileOfLines(460, '/* eslint-disable max-lines -- one table per ONNX op family reads best whole */'));
  assert.deepEqual(await rulesHit('src/formats/planted.ts', fileOfLines(460, '/* eslint-disable max-lines */')), ['local/size-waiver']);
  const nextLine = `// eslint-disable-next-line max-lines-per-function -- long\n${functionOfLines(120)}`;
  assert.deepEqual(await rulesHit('src/formats/planted.ts', nextLine), ['local/size-waiver']);
});

/** Every .ts/.tsx file under `dir`, repo-relative. */
function sources(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(rel);
    return /\.tsx?$/.test(e.name) ? [rel] : [];
  });
}

test('no file silences every rule at once (a bare eslint-disable would hide the layer and size rules)', () => {
  const bare = /eslint-disable(?:-next-line|-line)?\s*(?:--|\*\/|$)/m;
  const offenders = ['src', 'webview'].flatMap(sources).filter((f) => bare.test(readFileSync(join(root, f), 'utf8')));
  assert.deepEqual(offenders, [], 'name the rules an eslint-disable comment turns off');
});
