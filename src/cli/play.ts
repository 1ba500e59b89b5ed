/**
 * `model-studio play MODEL [--env E] [--episodes N] [--seed S] [--engine E] [--json]`: plays episodes with the
 * trained network's greedy policy and prints each return and their mean. The environment is --env, else the
 * one in the model's saved RL configuration; the model must fit it (the same checks as training).
 */
import { resolve } from 'node:path';
import { rng } from '../core/initializers';
import { checkRlConfig, defaultRlConfig, environmentId, makeEnvironment, rlConfigOf } from '../core/rl';
import { defaultTrainingConfig, trainingConfigOf } from '../core/training';
import { UserError } from '../core/types';
import { readModel } from '../formats/registry';
import { loadEngine } from '../engine/tfjs/engines';
import { buildTfModel } from '../engine/tfjs/model';
import { modelIOShapes } from '../engine/tfjs/training/adapter';
import { playGreedy } from '../engine/rl/play';
import { engineOption } from './training-options';
import { applyRlFlags } from './rl-options';
import { parse, out } from './io';

const USAGE = 'play MODEL [--env cartpole|mountaincar|acrobot] [--episodes N] [--seed S] [--engine E] [--json]';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { env: { type: 'string' }, episodes: { type: 'string' }, seed: { type: 'string' }, engine: { type: 'string' }, json: { type: 'boolean' } },
    USAGE,
    [1, 1],
  );
  const file = await readModel(resolve(positionals[0]));
  const training = trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig();
  applyRlFlags(training, { env: values.env, episodes: values.episodes ?? '10' });
  const rl = rlConfigOf(training) ?? defaultRlConfig();
  const seed = values.seed === undefined ? rl.seed : Number(values.seed);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be a whole number (got "${values.seed}").`, undefined, 'usage');
  const { tf, device } = await loadEngine(engineOption(values.engine));
  const model = await buildTfModel(tf, file, { strict: true });
  try {
    // Only the shapes matter here (the agent and the loss are training's).
    const problems = checkRlConfig({ ...rl, agent: 'reinforce' }, modelIOShapes(model), training.loss);
    if (problems.length) throw new UserError(problems.map((p) => p.message).join(' '), problems[0].hint, problems[0].code);
    const env = makeEnvironment(environmentId(rl.environment)!);
    const returns = playGreedy(tf, model, env, rl.episodes, rng(seed));
    const mean = returns.reduce((a, b) => a + b, 0) / returns.length;
    if (values.json) out.stdout.write(`${JSON.stringify({ environment: env.gymId, engine: device, seed, returns, mean })}\n`);
    else out.stdout.write(`${env.gymId}, greedy policy, ${returns.length} episode(s) on ${device}:\n  returns: ${returns.join(', ')}\n  mean return: ${mean.toFixed(1)}\n`);
    return 0;
  } finally {
    model.dispose();
  }
}
