/**
 * Reinforcement learning on CartPole-v1 with the templates' saved configurations (cartpole-dqn: DQN until the
 * 100-episode average return reaches 475; cartpole-pg: REINFORCE until 195), weights as `model-studio new`
 * writes them. One JSON line each: {bench:"rl", model, agent, environment, engine, seed, status, solved,
 * episodes, steps, return_avg100, seconds}. Run by `npm run bench` (minutes on a 2-core machine);
 * `--models cartpole-pg` picks one, `--engine wasm` an engine (default auto).
 *
 * Measured on 2026-11-30 on the shared 2-core machine, wasm engine, seed 1: cartpole-pg solved (195.6) at
 * episode 172, 26,057 steps, 29 s; cartpole-dqn solved (477.5) at episode 790, 188,435 steps, 1,656 s.
 */
import { parseArgs } from 'node:util';
import { reconcileWeights } from '../../src/core/initializers';
import { rlConfigOf } from '../../src/core/rl';
import { getTemplate, TEMPLATE_SEED } from '../../src/core/templates';
import { trainingConfigOf, type EngineChoice } from '../../src/core/training';
import { TrainingControl } from '../../src/engine/control';
import { trainerForJob } from '../../src/engine/trainers';
import type { EpochEvent } from '../../src/engine/trainer';

async function bench(id: string, engine: EngineChoice): Promise<Record<string, unknown>> {
  const model = getTemplate(id)!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const training = trainingConfigOf(model.userDefinedMetadata)!;
  const rl = rlConfigOf(training)!;
  const job = { sessionId: 'bench', model, training, engine, baseDir: process.cwd(), runDir: '' };
  const t0 = performance.now();
  const prepared = await (await trainerForJob(job)).prepare(job, {});
  try {
    let last: EpochEvent | undefined;
    const r = await prepared.fit(new TrainingControl(), { onEpoch: (p) => void (last = p) });
    return {
      bench: 'rl',
      model: id,
      agent: rl.agent,
      environment: rl.environment,
      engine: prepared.engine,
      seed: rl.seed,
      status: r.status,
      solved: r.status === 'early-stopped',
      target: rl.stopAtAverage,
      episodes: r.epochs,
      steps: last?.step ?? 0,
      return_avg100: last?.metrics.return_avg100,
      seconds: Math.round((performance.now() - t0) / 100) / 10,
    };
  } finally {
    prepared.dispose();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string' }, engine: { type: 'string' } } });
  const models = (values.models ?? 'cartpole-pg,cartpole-dqn').split(',');
  for (const id of models) console.log(JSON.stringify(await bench(id, (values.engine ?? 'auto') as EngineChoice)));
}

void main();
