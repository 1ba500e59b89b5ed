/**
 * Reinforcement learning on CartPole-v1 with the templates' saved configurations (cartpole-dqn: DQN until the
 * 100-episode average return reaches 475; cartpole-pg: REINFORCE until 195), weights as `model-studio new`
 * writes them. One JSON line each: {bench:"rl", model, agent, environment, engine, seed, status, solved,
 * episodes, steps, return_avg100, seconds}. Run by `npm run bench` (minutes on a 2-core machine);
 * `--models cartpole-pg` picks one, `--engine wasm` an engine (default auto), `--keep DIR` writes each trained
 * self-play model to DIR/ID/model.json.
 *
 * The self-play templates (tictactoe-zero, connect4-zero) train with their saved configuration, then the
 * network with MCTS (the configuration's simulations, no noise) plays 100 games against each fixed opponent,
 * both colours: {bench:"rl", model, agent, environment, engine, seed, status, iterations, positions, seconds,
 * vs: {random|greedy|minimax: {wins, draws, losses}}} (minimax for tic-tac-toe only).
 *
 * Measured on 2026-11-30 on the shared 2-core machine, wasm engine, seed 1: cartpole-pg solved (195.6) at
 * episode 172, 26,057 steps, 29 s; cartpole-dqn solved (477.5) at episode 790, 188,435 steps, 1,656 s.
 * Self-play, same machine, wasm engine, seed 1, load average 10-12 (other sessions' work; the CPU time of the
 * process is the steadier figure): tictactoe-zero 25 iterations (6,804 positions) in 600 s wall, 75 s CPU, then
 * 100 games each: random 96 won 4 drawn 0 lost, greedy 47/53/0, minimax 0/100/0 (again 0/100/0 with play
 * --seed 7); connect4-zero 25 iterations (29,113 positions) in 1,352 s wall, 223 s CPU: random 100/0/0,
 * greedy 92/5/3.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { writeModel } from '../../src/formats/registry';
import { reconcileWeights } from '../../src/core/initializers';
import { boardGameOf, MINIMAX_GAMES, rlConfigOf, tally, type BoardGameId } from '../../src/core/rl';
import { rng } from '../../src/core/initializers';
import { getTemplate, TEMPLATE_SEED } from '../../src/core/templates';
import { trainingConfigOf, type EngineChoice } from '../../src/core/training';
import { TrainingControl } from '../../src/engine/control';
import { trainerForJob } from '../../src/engine/trainers';
import type { EpochEvent } from '../../src/engine/trainer';
import { buildTfModel } from '../../src/engine/tfjs/model';
import { playMatches } from '../../src/engine/rl/zero';
import type { Tf } from '../../src/engine/tfjs/tf';

async function bench(id: string, engine: EngineChoice, keep?: string): Promise<Record<string, unknown>> {
  const model = getTemplate(id)!.build();
  model.weights = reconcileWeights(model.graph, [], TEMPLATE_SEED);
  const training = trainingConfigOf(model.userDefinedMetadata)!;
  const rl = rlConfigOf(training)!;
  const job = { sessionId: 'bench', model, training, engine, baseDir: process.cwd(), runDir: '' };
  const t0 = performance.now();
  const prepared = await (await trainerForJob(job)).prepare(job, {});
  try {
    let last: EpochEvent | undefined;
    const r = await prepared.fit(new TrainingControl(), {
      onEpoch: (p) => {
        last = p;
        if (rl.agent === 'alphazero') console.error(`${id} iteration ${p.epoch}: ${JSON.stringify(p.metrics)} ${p.seconds.toFixed(1)} s`);
      },
    });
    if (rl.agent === 'alphazero') {
      const seconds = Math.round((performance.now() - t0) / 100) / 10;
      const weights = await prepared.weights();
      // --keep DIR: the trained model, for `model-studio play` at other settings.
      if (keep) await writeModel(join(keep, id, 'model.json'), { ...model, weights });
      const vs = await versus(id, prepared.engine, model, weights, rl);
      return { bench: 'rl', model: id, agent: rl.agent, environment: rl.environment, engine: prepared.engine, seed: rl.seed, status: r.status, iterations: r.epochs, positions: last?.step ?? 0, seconds, vs };
    }
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

/** 100 games of the trained network (MCTS at the configuration's simulations) against each fixed opponent. */
async function versus(id: string, engine: string, model: ReturnType<NonNullable<ReturnType<typeof getTemplate>>['build']>, weights: Awaited<ReturnType<Awaited<ReturnType<Awaited<ReturnType<typeof trainerForJob>>['prepare']>>['weights']>>, rl: NonNullable<ReturnType<typeof rlConfigOf>>) {
  const { loadEngine } = await import('../../src/engine/tfjs/engines');
  const { tf } = (await loadEngine(engine as Parameters<typeof loadEngine>[0])) as { tf: Tf };
  const net = await buildTfModel(tf, { ...model, weights });
  const game = boardGameOf(rl.environment as BoardGameId);
  const out: Record<string, unknown> = {};
  for (const opponent of ['random', 'greedy', 'minimax'] as const) {
    if (opponent === 'minimax' && !MINIMAX_GAMES.includes(game.id)) continue;
    const t0 = performance.now();
    const results = playMatches(tf, net, game, { opponent, games: 100, simulations: rl.simulations, cPuct: rl.cPuct, temperatureMoves: 0, random: rng(rl.seed + 100) });
    out[opponent] = { ...tally(results), seconds: Math.round((performance.now() - t0) / 100) / 10 };
    console.error(`${id} vs ${opponent}: ${JSON.stringify(out[opponent])} (${id})`);
  }
  net.dispose();
  return out;
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { models: { type: 'string' }, engine: { type: 'string' }, keep: { type: 'string' } } });
  const models = (values.models ?? 'cartpole-pg,cartpole-dqn').split(',');
  for (const id of models) console.log(JSON.stringify(await bench(id, (values.engine ?? 'auto') as EngineChoice, values.keep)));
}

void main();
