/**
 * The environments a reinforcement-learning run can use, by our id (`cartpole`) or gymnasium's
 * (`CartPole-v1`), one registry for the configuration's validation, the trainer and the CLI: gymnasium's
 * classic control (an `Env`, learnt by DQN or REINFORCE) and two-player board games (a `BoardGame`, learnt by
 * AlphaZero-style self-play).
 */
import { Acrobot } from './acrobot';
import type { BoardGame } from './boardGame';
import { CartPole } from './cartpole';
import { connectFour } from './connectFour';
import type { Env } from './env';
import { MountainCar } from './mountainCar';
import { ticTacToe } from './ticTacToe';

export const CLASSIC_CONTROL_IDS = ['cartpole', 'mountaincar', 'acrobot'] as const;
export const BOARD_GAME_IDS = ['tictactoe', 'connect4'] as const;
export const ENVIRONMENT_IDS = [...CLASSIC_CONTROL_IDS, ...BOARD_GAME_IDS] as const;
export type ClassicControlId = (typeof CLASSIC_CONTROL_IDS)[number];
export type BoardGameId = (typeof BOARD_GAME_IDS)[number];
export type EnvironmentId = (typeof ENVIRONMENT_IDS)[number];

const MAKERS: Record<ClassicControlId, () => Env> = {
  cartpole: () => new CartPole(),
  mountaincar: () => new MountainCar(),
  acrobot: () => new Acrobot(),
};

const BOARD_GAMES: Record<BoardGameId, BoardGame> = { tictactoe: ticTacToe, connect4: connectFour };

const OTHER_NAMES: Record<string, EnvironmentId> = {
  'cartpole-v1': 'cartpole',
  'mountaincar-v0': 'mountaincar',
  'acrobot-v1': 'acrobot',
  'tic-tac-toe': 'tictactoe',
  'connect-four': 'connect4',
  connectfour: 'connect4',
};

/** Our id for a name as a user types it (any case, ours or gymnasium's); undefined when unknown. */
export function environmentId(name: string): EnvironmentId | undefined {
  const n = name.trim().toLowerCase();
  if ((ENVIRONMENT_IDS as readonly string[]).includes(n)) return n as EnvironmentId;
  return OTHER_NAMES[n];
}

export const isBoardGame = (id: EnvironmentId): id is BoardGameId => (BOARD_GAME_IDS as readonly string[]).includes(id);

export function makeEnvironment(id: ClassicControlId): Env {
  return MAKERS[id]();
}

export function boardGameOf(id: BoardGameId): BoardGame {
  return BOARD_GAMES[id];
}
