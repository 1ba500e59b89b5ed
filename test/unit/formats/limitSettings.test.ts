/**
 * The limits as VS Code settings (issue 18): package.json declares exactly the limits table; a value from the
 * extension's settings path lowers or raises a limit in this process and in the long-lived HDF5 child, and
 * the message then names the setting; bad values are refused with a message naming where they came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isUserError } from '../../../src/core/types';
import { readHdf5 } from '../../../src/formats/hdf5';
import { readModel } from '../../../src/formats/registry';
import {
  applyLimitsEnv,
  LIMIT_NAMES,
  LIMITS,
  LIMITS_FROM_ENV,
  limit,
  limitSettingsSchema,
  limitsEnvFromSettings,
  type LimitName,
} from '../../../src/formats/limits';
import { chainJson } from '../../bench/analysis.bench';

const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
const REAL = '/work/shared/fixtures/real';

/** Runs `body` with the environment the extension writes for `settings`, then restores the environment. */
async function withSettings(settings: Partial<Record<LimitName, unknown>>, body: () => Promise<void>): Promise<void> {
  const saved = { ...process.env };
  const { env, errors } = limitsEnvFromSettings((n) => settings[n]);
  assert.deepEqual(errors, []);
  Object.assign(process.env, env);
  try {
    await body();
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

async function refusal(p: Promise<unknown>): Promise<{ code: string; message: string; hint: string }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isUserError(e), `not a UserError: ${(e as Error)?.stack}`);
    return { code: e.code, message: e.message, hint: e.hint ?? '' };
  }
  return assert.fail('accepted');
}

test('package.json declares one setting per limit, with the table\'s default, and no other limits', () => {
  const declared = Object.fromEntries(Object.entries(pkg.contributes.configuration.properties).filter(([k]) => k.startsWith('modelStudio.limits.')));
  assert.deepEqual(declared, limitSettingsSchema(), 'run `npx tsx scripts/limit-settings.ts` to write them from src/formats/limits.ts');
  assert.equal(Object.keys(declared).length, LIMIT_NAMES.length);
  for (const n of LIMIT_NAMES) assert.equal((declared[`modelStudio.limits.${n}`] as { default: number }).default, LIMITS[n].value);
});

test('a lowered layers setting refuses a 30-layer model, naming the setting only; raised, it reads', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-limits-'));
  writeFileSync(join(dir, 'chain.json'), chainJson(30));
  await withSettings({ layers: 20 }, async () => {
    const e = await refusal(readModel(join(dir, 'chain.json')));
    assert.equal(e.code, 'limit-layers');
    assert.match(e.message, /over the limit of 20 layers/);
    assert.match(e.hint, /raise the setting modelStudio\.limits\.layers/);
    assert.doesNotMatch(e.hint, /MODEL_STUDIO_MAX_LAYERS/);
  });
  // The default (50,000) is above 30; a raised setting above the default lets a bigger chain through.
  writeFileSync(join(dir, 'big.json'), chainJson(60_000));
  assert.equal((await refusal(readModel(join(dir, 'big.json')))).code, 'limit-layers');
  await withSettings({ layers: 70_000 }, async () => {
    const m = await readModel(join(dir, 'big.json'));
    assert.ok(m.graph.layers.length >= 60_000);
  });
});

test('from the CLI (no settings) the message names the environment variable and the setting', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'ms-limits-'));
  writeFileSync(join(dir, 'chain.json'), chainJson(30));
  process.env.MODEL_STUDIO_MAX_LAYERS = '20';
  try {
    const e = await refusal(readModel(join(dir, 'chain.json')));
    assert.equal(e.code, 'limit-layers');
    assert.match(e.hint, /environment variable MODEL_STUDIO_MAX_LAYERS \(in VS Code: the setting modelStudio\.limits\.layers\)/);
  } finally {
    delete process.env.MODEL_STUDIO_MAX_LAYERS;
  }
});

test('the long-lived HDF5 child follows a setting changed after it started', async () => {
  const bytes = () => new Uint8Array(readFileSync(join(REAL, 'keras3/mnist_model.h5')));
  assert.ok((await readHdf5(bytes(), 'mnist_model.h5')).children.has('model_weights'));
  await withSettings({ h5Objects: 3 }, async () => {
    const e = await refusal(readHdf5(bytes(), 'mnist_model.h5'));
    assert.equal(e.code, 'limit-h5Objects');
    assert.match(e.hint, /modelStudio\.limits\.h5Objects/);
  });
  assert.ok((await readHdf5(bytes(), 'mnist_model.h5')).children.has('model_weights'));
});

test('bad setting values are refused with the setting named, and the default stays in force', () => {
  for (const bad of [-1, 0, NaN, Infinity, 'abc', '100', null, true, [5], { n: 5 }]) {
    const { env, errors } = limitsEnvFromSettings((n) => (n === 'layers' ? bad : undefined));
    assert.equal(errors.length, 1, String(bad));
    assert.equal(errors[0]!.code, 'limit-invalid');
    assert.match(errors[0]!.message, /^The setting modelStudio\.limits\.layers is .*, which is not a limit: it must be a positive number of layers \(default 50,000\)/);
    assert.equal(env.MODEL_STUDIO_MAX_LAYERS, '50000');
    assert.equal(env[LIMITS_FROM_ENV], 'settings');
  }
  const { env, errors } = limitsEnvFromSettings((n) => (n === 'zipRatio' ? 12.5 : undefined));
  assert.deepEqual(errors, []);
  assert.equal(env.MODEL_STUDIO_MAX_ZIP_RATIO, '12.5');
});

test('a bad environment variable is an error naming it, not a silent default', async () => {
  for (const bad of ['abc', '-5', '0', 'NaN', 'Infinity']) {
    process.env.MODEL_STUDIO_MAX_LAYERS = bad;
    try {
      assert.throws(() => limit('layers'), (e: unknown) => isUserError(e) && e.code === 'limit-invalid' && e.message.startsWith(`MODEL_STUDIO_MAX_LAYERS=${bad}, which is not a limit`) && /MODEL_STUDIO_MAX_LAYERS/.test(e.hint ?? ''));
    } finally {
      delete process.env.MODEL_STUDIO_MAX_LAYERS;
    }
  }
  assert.equal(limit('layers'), LIMITS.layers.value);
});

test('a child takes only the limit variables its parent sends', () => {
  const saved = process.env.PATH;
  applyLimitsEnv({ PATH: '/evil', MODEL_STUDIO_MAX_ENTRIES: '7', MODEL_STUDIO_MAX_LAYERS: 5 });
  try {
    assert.equal(process.env.PATH, saved);
    assert.equal(limit('entries'), 7);
    assert.equal(limit('layers'), LIMITS.layers.value);
  } finally {
    delete process.env.MODEL_STUDIO_MAX_ENTRIES;
  }
});
