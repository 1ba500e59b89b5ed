/** Reinforcement learning's pure part: environments, board games, the RL configuration and its checks. */
export * from './env';
export * from './environments';
export * from './boardGame';
export { ticTacToe } from './ticTacToe';
export { connectFour } from './connectFour';
export * from './config';
export * from './mcts';
export * from './minimax';
export * from './selfPlay';
export * from './opponents';
export * from './watch';
export * from './positions';
