/** `model-studio evaluate MODEL --data SPEC`: Keras' model.evaluate on the dataset's test part (else all of it). */
import { dirname, resolve } from 'node:path';
import { readModel } from '../formats/registry';
import { loadEngine } from '../engine/tfjs/engines';
import { buildTfModel } from '../engine/tfjs/model';
import { inputAsTarget } from '../engine/datasets/source';
import { loadDataset } from '../engine/datasets/spec';
import { evaluate } from '../engine/tfjs/training/evaluate';
import { modelIOShapes } from '../engine/tfjs/training/adapter';
import { engineOption, formatLogs, trainingFlags, trainingFor } from './training-options';
import { parse, out } from './io';

const USAGE = 'evaluate MODEL --data SPEC [--batch-size B] [--engine E] [--json]';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { ...trainingFlags, json: { type: 'boolean' } }, USAGE, [1, 1]);
  const file = await readModel(resolve(positionals[0]));
  const training = trainingFor(file, values);
  const { tf, device } = await loadEngine(engineOption(values.engine));
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    // As train: --data paths from here, a spec saved with the model from the model's folder.
    const baseDir = values.data !== undefined ? process.cwd() : dirname(resolve(positionals[0]));
    const data = await loadDataset(training.dataset as string, { baseDir, inputShape: modelIOShapes(model).input });
    const part = data.test ?? data.train;
    const source = training.target === 'input' ? inputAsTarget(part) : part;
    const t0 = Date.now();
    const logs = await evaluate(tf, model, source, { loss: training.loss, metrics: training.metrics, batchSize: training.batchSize });
    const seconds = (Date.now() - t0) / 1000;
    if (values.json) out.stdout.write(`${JSON.stringify({ data: source.description, samples: source.size, engine: device, ...logs })}\n`);
    else out.stdout.write(`${source.description}: ${source.size} samples on ${device} in ${seconds.toFixed(1)}s\n${formatLogs(logs)}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}
