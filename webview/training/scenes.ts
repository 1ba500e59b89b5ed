/**
 * Drawing an RL environment's state on a canvas, as gymnasium's own renderers lay it out
 * (gymnasium/envs/classic_control/*.py `render`): the cart and its pole on the track, the car on the hill with
 * the flag, the acrobot's two links and the goal height, and the boards. Colours are the theme's. The training
 * view's live animation and "Try the model" share it; the geometry (where a board's cell is, which cell a click
 * hits) is pure so Node tests check it.
 */
import { FRAME_STATE_SIZE, type FrameScene } from '../../src/core/rl/watch';
import type { Palette } from './theme';

export const BOARD_SIZE: Partial<Record<FrameScene, { rows: number; cols: number }>> = { tictactoe: { rows: 3, cols: 3 }, connect4: { rows: 6, cols: 7 } };

/** A board's square cells centred in a w x h canvas. */
export function boardLayout(rows: number, cols: number, w: number, h: number): { x0: number; y0: number; cell: number } {
  const cell = Math.floor(Math.min(w / cols, h / rows));
  return { x0: Math.floor((w - cell * cols) / 2), y0: Math.floor((h - cell * rows) / 2), cell };
}

/** The action a click at (x, y) asks for: tic-tac-toe's cell, Connect Four's column; undefined off the board. */
export function actionAt(scene: FrameScene, x: number, y: number, w: number, h: number): number | undefined {
  const size = BOARD_SIZE[scene];
  if (!size) return undefined;
  const { x0, y0, cell } = boardLayout(size.rows, size.cols, w, h);
  const c = Math.floor((x - x0) / cell);
  const r = Math.floor((y - y0) / cell);
  if (c < 0 || c >= size.cols || r < 0 || r >= size.rows) return undefined;
  return scene === 'connect4' ? c : r * size.cols + c;
}

export function drawScene(ctx: CanvasRenderingContext2D, scene: FrameScene, state: readonly number[], p: Palette, w: number, h: number, highlight?: number): void {
  ctx.clearRect(0, 0, w, h);
  if (state.length !== FRAME_STATE_SIZE[scene]) return;
  ctx.lineCap = 'round';
  if (scene === 'cartpole') cartPole(ctx, state, p, w, h);
  else if (scene === 'mountaincar') mountainCar(ctx, state, p, w, h);
  else if (scene === 'acrobot') acrobot(ctx, state, p, w, h);
  else board(ctx, scene, state, p, w, h, highlight);
}

function line(ctx: CanvasRenderingContext2D, color: string, width: number, ...pts: [number, number][]): void {
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.beginPath();
  pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
  ctx.stroke();
}

function disc(ctx: CanvasRenderingContext2D, color: string, x: number, y: number, r: number): void {
  ctx.fillStyle = color;
  ctx.beginPath();
  ctx.arc(x, y, r, 0, 2 * Math.PI);
  ctx.fill();
}

/** CartPole-v1: the world is 4.8 wide (x in ±2.4), the pole 1.0 long, the cart 0.5 x 0.3 as gymnasium draws it at 600 px. */
function cartPole(ctx: CanvasRenderingContext2D, [x, , theta]: readonly number[], p: Palette, w: number, h: number): void {
  const scale = w / 4.8;
  const trackY = h * 0.7;
  const cx = w / 2 + x * scale;
  line(ctx, p.muted, 1, [0, trackY], [w, trackY]);
  const cw = scale * 0.5;
  const ch = scale * 0.3;
  ctx.fillStyle = p.series[0];
  ctx.fillRect(cx - cw / 2, trackY - ch / 2, cw, ch);
  const pole = scale * 1.0;
  line(ctx, p.series[1], Math.max(3, scale * 0.1), [cx, trackY - ch / 4], [cx + Math.sin(theta) * pole, trackY - ch / 4 - Math.cos(theta) * pole]);
  disc(ctx, p.fg, cx, trackY - ch / 4, Math.max(2, scale * 0.05));
}

/** MountainCar-v0: positions −1.2..0.6 on the hill y = sin(3x)·0.45 + 0.55, the flag at 0.5. */
function mountainCar(ctx: CanvasRenderingContext2D, [pos]: readonly number[], p: Palette, w: number, h: number): void {
  const min = -1.2;
  const max = 0.6;
  const sx = w / (max - min);
  const sy = h * 0.8;
  const hill = (x: number): [number, number] => [(x - min) * sx, h - 10 - (Math.sin(3 * x) * 0.45 + 0.55) * sy];
  line(ctx, p.muted, 2, ...Array.from({ length: 101 }, (_, i) => hill(min + ((max - min) * i) / 100)));
  const [fx, fy] = hill(0.5);
  line(ctx, p.fg, 2, [fx, fy], [fx, fy - 30]);
  ctx.fillStyle = p.series[5 % p.series.length];
  ctx.fillRect(fx, fy - 30, 18, 10);
  const [cx, cy] = hill(pos);
  const slope = Math.atan(Math.cos(3 * pos) * 3 * 0.45 * (sy / sx));
  ctx.save();
  ctx.translate(cx, cy);
  ctx.rotate(-slope);
  ctx.fillStyle = p.series[0];
  ctx.fillRect(-16, -18, 32, 12);
  disc(ctx, p.fg, -9, -5, 5);
  disc(ctx, p.fg, 9, -5, 5);
  ctx.restore();
}

/** Acrobot-v1: two links of length 1 hanging from the pivot; the goal is the tip above height 1. */
function acrobot(ctx: CanvasRenderingContext2D, [t1, t2]: readonly number[], p: Palette, w: number, h: number): void {
  const scale = Math.min(w, h) / 4.4;
  const ox = w / 2;
  const oy = h / 2;
  // gymnasium: p1 = (−cos θ1, sin θ1), p2 = p1 + (−cos(θ1+θ2), sin(θ1+θ2)), drawn with the axes swapped (x = sin, up = −cos).
  const at = (up: number, right: number): [number, number] => [ox + right * scale, oy - up * scale];
  const p1: [number, number] = [-Math.cos(t1), Math.sin(t1)];
  const p2: [number, number] = [p1[0] - Math.cos(t1 + t2), p1[1] + Math.sin(t1 + t2)];
  line(ctx, p.muted, 1, at(1, -2.2), at(1, 2.2));
  line(ctx, p.series[0], 6, at(0, 0), at(...p1));
  line(ctx, p.series[1], 6, at(...p1), at(...p2));
  disc(ctx, p.fg, ...at(0, 0), 4);
  disc(ctx, p.fg, ...at(...p1), 4);
}

/** A board: +1 stones (the first player) in the first series colour, −1 in the second; tic-tac-toe as X and O. */
function board(ctx: CanvasRenderingContext2D, scene: FrameScene, cells: readonly number[], p: Palette, w: number, h: number, highlight?: number): void {
  const { rows, cols } = BOARD_SIZE[scene]!;
  const { x0, y0, cell } = boardLayout(rows, cols, w, h);
  if (highlight !== undefined) {
    ctx.fillStyle = p.grid;
    if (scene === 'connect4') ctx.fillRect(x0 + highlight * cell, y0, cell, rows * cell);
    else ctx.fillRect(x0 + (highlight % cols) * cell, y0 + Math.floor(highlight / cols) * cell, cell, cell);
  }
  for (let i = 0; i <= cols; i++) line(ctx, p.muted, 1, [x0 + i * cell, y0], [x0 + i * cell, y0 + rows * cell]);
  for (let i = 0; i <= rows; i++) line(ctx, p.muted, 1, [x0, y0 + i * cell], [x0 + cols * cell, y0 + i * cell]);
  cells.forEach((v, i) => {
    if (v === 0) return;
    const cx = x0 + (i % cols) * cell + cell / 2;
    const cy = y0 + Math.floor(i / cols) * cell + cell / 2;
    const color = v > 0 ? p.series[0] : p.series[1];
    if (scene === 'connect4') disc(ctx, color, cx, cy, cell * 0.4);
    else if (v > 0) {
      const d = cell * 0.3;
      line(ctx, color, 4, [cx - d, cy - d], [cx + d, cy + d]);
      line(ctx, color, 4, [cx - d, cy + d], [cx + d, cy - d]);
    } else {
      ctx.strokeStyle = color;
      ctx.lineWidth = 4;
      ctx.beginPath();
      ctx.arc(cx, cy, cell * 0.3, 0, 2 * Math.PI);
      ctx.stroke();
    }
  });
}
