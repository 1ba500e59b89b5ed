/**
 * The live animation of an RL session, above its charts: the latest frame the worker sent (at most
 * FRAMES_PER_SECOND, core/rl/watch.ts), drawn on the next animation frame, so a burst costs one drawing.
 * Hidden until a session sends its first frame.
 */
import { environmentId, isBoardGame, makeEnvironment } from '../../src/core/rl/environments';
import type { RlFrame } from '../../src/core/rl/watch';
import { h } from './dom';
import { drawScene } from './scenes';
import { palette } from './theme';

/** gymnasium's id for an environment, the game's name for a board. */
export function sceneTitle(scene: RlFrame['scene']): string {
  const env = environmentId(scene);
  if (env && !isBoardGame(env)) return makeEnvironment(env).gymId;
  return scene === 'connect4' ? 'Connect Four' : 'tic-tac-toe';
}

export class RlAnimation {
  readonly el: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly caption: HTMLElement;
  private latest: RlFrame | undefined;
  private pending = 0;
  /** Frames drawn since the last reset (tests, and the caption's "live" check). */
  drawn = 0;

  constructor(width = 360, height = 200) {
    this.canvas = h('canvas', { id: 'rl-canvas', width, height, role: 'img', 'aria-label': 'The environment, live' }) as HTMLCanvasElement;
    this.caption = h('div', { className: 'muted', id: 'rl-caption', 'aria-live': 'off' });
    this.el = h('section', { className: 'rl-animation', id: 'rl-animation', hidden: true, 'aria-label': 'Live animation' }, this.canvas, this.caption);
  }

  reset(): void {
    this.latest = undefined;
    this.drawn = 0;
    this.el.hidden = true;
  }

  show(f: RlFrame): void {
    this.latest = f;
    if (this.pending) return;
    this.pending = requestAnimationFrame(() => {
      this.pending = 0;
      this.draw();
    });
  }

  private draw(): void {
    const f = this.latest;
    if (!f) return;
    this.el.hidden = false;
    const ctx = this.canvas.getContext('2d');
    if (!ctx) return;
    drawScene(ctx, f.scene, f.state, palette(), this.canvas.width, this.canvas.height);
    this.caption.textContent = `${sceneTitle(f.scene)} · episode ${f.episode} · step ${f.step}`;
    this.drawn += 1;
  }
}
