/**
 * `model-studio summary` of a Keras 3 file prints what Keras 3's `model.summary()` prints for the same file,
 * character for character, at several terminal widths (the table narrows and names wrap): every template,
 * the first layer case of every catalog layer class (written by us as `.keras`), and a two-input, two-output
 * model Keras itself saved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { templates } from '../../src/core/templates';
import { writeModel } from '../../src/formats/registry';
import { runCli } from '../helpers/cli';
import { tempDir } from '../helpers/paths';
import { caseGraph, randomModel } from './forwardRun';
import { selectedLayerCases } from './layerCases';
import { runPython } from './python';

// 200: Keras' own widths (88 and 108); 100: the 108-wide table narrows; 60: cells wrap and names are cut.
const COLUMNS = [200, 100, 60];

/** Our summary text of `path` with the terminal `columns` wide (the table only; the weights line is ours). */
async function ours(path: string, columns: number): Promise<string> {
  const saved = process.env.COLUMNS;
  process.env.COLUMNS = String(columns);
  try {
    const r = await runCli(['summary', path]);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout.slice(0, r.stdout.indexOf('\nWeights: '));
  } finally {
    if (saved === undefined) delete process.env.COLUMNS;
    else process.env.COLUMNS = saved;
  }
}

test('summary of Keras 3 files prints Keras 3 model.summary() text character for character', { timeout: 900_000 }, async () => {
  const dir = tempDir('ms-keras-summary-');
  const files: string[] = [];
  for (const [i, t] of templates.entries()) {
    const p = join(dir, `${t.id}.keras`);
    await writeModel(p, randomModel(t.build().graph, 100 + i));
    files.push(p);
  }
  const seen = new Set<string>();
  for (const [i, c] of selectedLayerCases().entries()) {
    // One case per layer class: the table does not depend on a layer's options (Keras' load takes seconds).
    // The first case of a class is the layer alone: where a mask reaches a later layer (Masking+LSTM), Keras 3
    // also lists the NotEqual/Any operations it records for that mask, which our summary does not show.
    // Inputs Keras gives its own shapes and dtypes (a batch of scalars, `(None)`; int32) are compared too.
    if (seen.has(c.className) && !/scalars|int32/.test(c.id)) continue;
    seen.add(c.className);
    const p = join(dir, `case-${i}.keras`);
    await writeModel(p, randomModel(caseGraph(c), 500 + i));
    files.push(p);
  }
  const functional = join(dir, 'keras-functional.keras');
  const { summaries } = runPython<{ summaries: Record<string, Record<string, string>> }>('summary.py', { files, columns: COLUMNS, functional });
  const problems: string[] = [];
  let compared = 0;
  for (const path of [...files, functional]) {
    for (const columns of COLUMNS) {
      const expected = summaries[path]![String(columns)]!;
      const actual = await ours(path, columns);
      compared += 1;
      if (actual !== expected) problems.push(`${path} at ${columns} columns:\n--- Keras\n${expected}\n--- ours\n${actual}`);
    }
  }
  console.log(`summary parity: ${compared} summaries compared (${files.length + 1} files x ${COLUMNS.length} widths), ${problems.length} differ`);
  assert.equal(problems.length, 0, problems.slice(0, 3).join('\n\n'));
});
