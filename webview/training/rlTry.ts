/**
 * "Try the model" for RL models. Classic control: "Play an episode" asks the worker for a greedy episode and
 * animates its states at gymnasium's 50 frames a second. Board games: the user plays against the network by
 * clicking a cell (tic-tac-toe) or a column (Connect Four), or with the keyboard (arrows and Enter, or the
 * number of the cell or column); the network answers with an MCTS move of the strength set here. The game is
 * kept here with core's rules, so every illegal click is refused on the spot with a short message.
 */
import { legalActions, type BoardGame, type Position } from '../../src/core/rl/boardGame';
import { boardGameOf } from '../../src/core/rl/environments';
import { TRY_SIMULATIONS, type BoardScene, type TryInfo, type TryInput, type TryOutput } from '../../src/protocol/training';
import { button, h } from './dom';
import { sceneTitle } from './rlAnimation';
import { actionAt, drawScene } from './scenes';
import { palette } from './theme';

const EPISODE_FPS = 50;
const WIDTH = 360;
const HEIGHT = 240;

type RlInfo = Extract<TryInfo, { kind: 'episode' | 'game' }>;

export class RlTry {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly message: HTMLElement;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private seed = 0;
  // Board games: the game, who the network is, the cursor of the keyboard, whether a move is awaited.
  private game: BoardGame | undefined;
  private position: Position | undefined;
  private network: 1 | -1 = -1;
  private cursor = 0;
  private thinking = false;
  private simulations: HTMLInputElement | undefined;
  private networkFirst: HTMLInputElement | undefined;

  constructor(
    private readonly info: RlInfo,
    private readonly send: (input: TryInput) => void,
  ) {
    this.canvas = h('canvas', { id: 'rl-try-canvas', width: WIDTH, height: HEIGHT }) as HTMLCanvasElement;
    this.message = h('p', { id: 'rl-message', role: 'status', 'aria-live': 'polite' });
    this.el = h('div', { className: 'rl-try', id: 'rl-try' });
    if (info.kind === 'episode') this.renderEpisode(info);
    else this.renderGame(info.scene, info.simulations);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
  }

  // -------------------------------------------------------------------------------------------------------
  // Classic control: a greedy episode, animated

  private renderEpisode(info: Extract<TryInfo, { kind: 'episode' }>): void {
    this.canvas.setAttribute('role', 'img');
    this.canvas.setAttribute('aria-label', `${sceneTitle(info.scene)} played by the model`);
    const play = button('Play an episode', () => this.playEpisode(), { icon: 'play', id: 'rl-play', title: 'Play one episode with the greedy policy' });
    this.el.append(h('p', { className: 'muted' }, `${sceneTitle(info.scene)}: the model picks the action it rates highest at every step (at most ${info.maxSteps} steps).`), play, this.canvas, this.message);
  }

  private playEpisode(): void {
    if (this.timer) clearTimeout(this.timer);
    this.message.textContent = 'Playing…';
    this.send({ kind: 'episode', seed: this.seed++ });
  }

  private animate(out: Extract<TryOutput, { kind: 'episode' }>): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    const p = palette();
    let i = 0;
    const step = () => {
      drawScene(ctx, out.scene, out.states[i], p, WIDTH, HEIGHT);
      this.canvas.dataset.step = String(i);
      this.message.textContent = `step ${i} · return ${i === out.states.length - 1 ? out.return : i}`;
      if (i < out.states.length - 1) {
        i += 1;
        this.timer = setTimeout(step, 1000 / EPISODE_FPS);
        return;
      }
      this.timer = undefined;
      const how = out.terminated ? 'the episode ended' : 'the time limit was reached';
      this.message.textContent = `Return ${out.return} after ${out.actions.length} steps: ${how}.`;
      this.canvas.dataset.done = 'true';
    };
    delete this.canvas.dataset.done;
    step();
  }

  // -------------------------------------------------------------------------------------------------------
  // Board games: the user against the network

  private renderGame(scene: BoardScene, simulations: number): void {
    this.game = boardGameOf(scene);
    const columns = scene === 'connect4';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('role', 'application');
    this.canvas.setAttribute('aria-label', `${sceneTitle(scene)} board: click a ${columns ? 'column' : 'cell'}, or use the arrow keys and Enter, or type its number`);
    this.canvas.addEventListener('click', (ev) => {
      const r = this.canvas.getBoundingClientRect();
      const a = actionAt(scene, ((ev.clientX - r.left) * WIDTH) / r.width, ((ev.clientY - r.top) * HEIGHT) / r.height, WIDTH, HEIGHT);
      if (a === undefined) this.say(`Click a ${columns ? 'column' : 'cell'} of the board.`);
      else this.userMove(a);
    });
    this.canvas.addEventListener('keydown', (ev) => this.onKey(ev));
    this.simulations = h('input', { type: 'number', id: 'rl-simulations', min: TRY_SIMULATIONS.min, max: TRY_SIMULATIONS.max, step: 1, value: simulations }) as HTMLInputElement;
    this.networkFirst = h('input', { type: 'checkbox', id: 'rl-network-first' }) as HTMLInputElement;
    const controls = h(
      'div',
      { className: 'toolbar' },
      button('New game', () => this.newGame(), { icon: 'refresh', id: 'rl-new-game', title: 'Start a new game' }),
      h('label', {}, this.networkFirst, ' Network plays first'),
      h('label', { for: 'rl-simulations', title: 'MCTS simulations per network move: more is stronger and slower' }, ' Strength (simulations) '),
      this.simulations,
    );
    this.el.append(h('p', { className: 'muted' }, `Play ${sceneTitle(scene)} against the network (MCTS over its policy and value).`), controls, this.canvas, this.message);
    this.newGame();
  }

  private newGame(): void {
    if (!this.game) return;
    this.position = this.game.initial();
    this.network = this.networkFirst?.checked ? 1 : -1;
    this.thinking = false;
    this.say(this.network === 1 ? '' : `Your move: you play ${this.stoneName(-this.network as 1 | -1)}.`);
    this.drawBoard();
    if (this.network === 1) this.askNetwork();
  }

  private stoneName(player: 1 | -1): string {
    if (this.game?.id === 'tictactoe') return player === 1 ? 'X' : 'O';
    return player === 1 ? 'first' : 'second';
  }

  private onKey(ev: KeyboardEvent): void {
    const game = this.game;
    if (!game) return;
    const n = game.actionCount;
    const cols = game.id === 'connect4' ? n : game.cols;
    const moves: Record<string, number> = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: cols, ArrowUp: -cols };
    if (ev.key in moves && !(game.id === 'connect4' && (ev.key === 'ArrowUp' || ev.key === 'ArrowDown'))) {
      this.cursor = (this.cursor + moves[ev.key] + n) % n;
      this.drawBoard();
    } else if (ev.key === 'Enter' || ev.key === ' ') this.userMove(this.cursor);
    else if (/^[1-9]$/.test(ev.key) && Number(ev.key) <= n) this.userMove(Number(ev.key) - 1);
    else return;
    ev.preventDefault();
  }

  private userMove(a: number): void {
    const game = this.game;
    const p = this.position;
    if (!game || !p) return;
    if (p.result !== null) return this.say('The game is over. Press New game to play again.');
    if (this.thinking) return this.say('Wait for the network to move.');
    if (!game.legalMask(p)[a]) return this.say(game.id === 'connect4' ? `Column ${a + 1} is full.` : `Cell ${a + 1} is taken.`);
    this.cursor = a;
    this.position = game.play(p, a);
    this.drawBoard();
    if (!this.announceResult()) this.askNetwork();
  }

  private askNetwork(): void {
    const p = this.position;
    if (!p || !this.game) return;
    this.thinking = true;
    const sims = Math.round(Number(this.simulations?.value));
    const simulations = Number.isFinite(sims) ? Math.min(TRY_SIMULATIONS.max, Math.max(TRY_SIMULATIONS.min, sims)) : TRY_SIMULATIONS.default;
    if (this.simulations) this.simulations.value = String(simulations);
    this.say('The network is thinking…');
    this.send({ kind: 'move', scene: this.game.id as BoardScene, cells: [...p.cells], simulations });
  }

  /** The worker's answer: an episode to animate, or the network's move. */
  onOutput(out: TryOutput): void {
    if (out.kind === 'episode') return this.animate(out);
    if (out.kind !== 'move' || !this.game || !this.position || !this.thinking) return;
    this.thinking = false;
    const legal = legalActions(this.game.legalMask(this.position));
    if (!legal.includes(out.action)) return this.say(`The network chose an illegal move (${out.action + 1}); press New game.`);
    this.position = this.game.play(this.position, out.action);
    this.drawBoard();
    if (!this.announceResult()) this.say(`The network played ${out.action + 1} (it rates its position ${out.value.toFixed(2)}). Your move.`);
  }

  onError(message: string): void {
    this.thinking = false;
    this.say(message);
  }

  /** Says who won, if the game is over. */
  private announceResult(): boolean {
    const r = this.position?.result;
    if (r === null || r === undefined) return false;
    this.say(r === 0 ? 'Draw. Press New game to play again.' : r === this.network ? 'The network wins. Press New game to play again.' : 'You win! Press New game to play again.');
    return true;
  }

  private drawBoard(): void {
    const ctx = this.canvas.getContext('2d');
    const p = this.position;
    if (!ctx || !p || !this.game) return;
    drawScene(ctx, this.game.id as BoardScene, p.cells, palette(), WIDTH, HEIGHT, document.activeElement === this.canvas ? this.cursor : undefined);
    this.canvas.dataset.cells = p.cells.join(',');
    this.canvas.dataset.result = p.result === null ? '' : String(p.result);
  }

  private say(text: string): void {
    this.message.textContent = text;
  }
}
