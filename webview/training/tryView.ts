/**
 * "Try the model": input widgets that fit the model (a drawing canvas for 28x28 images, a test-sample
 * picker, number fields for tabular inputs, seed text for a char-RNN), the output (class probability bars,
 * regression values, generated text, an autoencoder's reconstruction beside its input), and after training
 * a confusion matrix with the worst-classified test samples. Inference runs in the host's worker, never here.
 */
import type { Evaluation, TryInfo, TryInput, TryOutput } from '../../src/protocol/training';
import { button, clear, h } from './dom';
import { RlTry } from './rlTry';
import { palette, withAlpha } from './theme';
import { loadViewState, post, saveViewState } from './vscodeApi';

/**
 * MNIST's own preprocessing for a drawing: the digit's bounding box scaled to fit 20x20 (keeping its aspect)
 * and placed so its centre of mass is at the centre of the 28x28 field (LeCun et al., the MNIST page).
 */
export function mnistNormalize(src: Float32Array | number[], size = 28): number[] {
  let x0 = size, y0 = size, x1 = -1, y1 = -1;
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) if (src[y * size + x] > 0.05) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (x1 < 0) return Array.from(src);
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = 20 / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));
  // Box-filter resample of the bounding box to ow x oh.
  const box = new Float32Array(ow * oh);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const sx0 = x0 + x / scale, sx1 = x0 + (x + 1) / scale, sy0 = y0 + y / scale, sy1 = y0 + (y + 1) / scale;
    let sum = 0, area = 0;
    for (let sy = Math.floor(sy0); sy < Math.ceil(sy1); sy++) for (let sx = Math.floor(sx0); sx < Math.ceil(sx1); sx++) {
      const a = (Math.min(sx + 1, sx1) - Math.max(sx, sx0)) * (Math.min(sy + 1, sy1) - Math.max(sy, sy0));
      if (a <= 0 || sx >= size || sy >= size) continue;
      sum += src[sy * size + sx] * a;
      area += a;
    }
    box[y * ow + x] = area ? sum / area : 0;
  }
  let mass = 0, mx = 0, my = 0;
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const v = box[y * ow + x];
    mass += v; mx += v * x; my += v * y;
  }
  const cx = mass ? mx / mass : ow / 2;
  const cy = mass ? my / mass : oh / 2;
  const offX = Math.round(size / 2 - cx - 0.5);
  const offY = Math.round(size / 2 - cy - 0.5);
  const out = new Array<number>(size * size).fill(0);
  for (let y = 0; y < oh; y++) for (let x = 0; x < ow; x++) {
    const tx = x + offX, ty = y + offY;
    if (tx >= 0 && ty >= 0 && tx < size && ty < size) out[ty * size + tx] = Math.min(1, box[y * ow + x]);
  }
  return out;
}

/** Draw a [0,1] grayscale image on a canvas, scaled up with crisp pixels. */
function paintImage(canvas: HTMLCanvasElement, pixels: number[], w: number, hgt: number, scale = 4): void {
  canvas.width = w;
  canvas.height = hgt;
  canvas.style.width = `${w * scale}px`;
  canvas.style.height = `${hgt * scale}px`;
  const ctx = canvas.getContext('2d') as CanvasRenderingContext2D;
  const img = ctx.createImageData(w, hgt);
  const channels = pixels.length / (w * hgt);
  for (let i = 0; i < w * hgt; i++) {
    const v = Math.round(Math.min(1, Math.max(0, pixels[i * channels])) * 255);
    img.data.set([v, v, v, 255], i * 4);
  }
  ctx.putImageData(img, 0, 0);
}

export class TryView {
  readonly el: HTMLElement;
  private readonly inputEl: HTMLElement;
  private readonly outputEl: HTMLElement;
  private readonly evalEl: HTMLElement;
  private info: TryInfo = { kind: 'none', reason: 'Open a model to try it.' };
  private requestId = 0;
  private pending = new Map<number, TryInput>();
  private draw: { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } | undefined;
  private seedEl: HTMLTextAreaElement | undefined;
  /** RL models: the episode player or the board (./rlTry.ts). */
  private rl: RlTry | undefined;
  /** "Predicting…" while a request is out: loading the model in the worker can take seconds. */
  private readonly progressEl: HTMLElement;

  constructor() {
    this.inputEl = h('div', { className: 'try-input', id: 'try-input' });
    this.outputEl = h('div', { className: 'try-output', id: 'try-output', 'aria-live': 'polite' });
    this.evalEl = h('div', { className: 'try-eval', id: 'try-eval' });
    this.progressEl = h('p', { className: 'try-progress muted', id: 'try-progress', role: 'status', hidden: true });
    this.el = h('div', { className: 'try' }, h('div', { className: 'try-row' }, this.inputEl, h('div', {}, this.progressEl, this.outputEl)), this.evalEl);
    this.render();
  }

  /**
   * The host sends the model's try info again after loading it for a prediction: the same info keeps the
   * inputs as they are, and new info (another model, new weights) keeps the drawing and the seed text.
   */
  setInfo(info: TryInfo): void {
    if (JSON.stringify(info) === JSON.stringify(this.info)) return;
    const kept = this.keptInputs();
    this.info = info;
    this.render();
    if (kept.drawing && this.draw && kept.drawing.width === this.draw.canvas.width && kept.drawing.height === this.draw.canvas.height) this.draw.ctx.putImageData(kept.drawing, 0, 0);
    if (kept.seed !== undefined && this.seedEl) this.seedEl.value = kept.seed;
  }

  private keptInputs(): { drawing?: ImageData; seed?: string } {
    const d = this.draw?.canvas.isConnected ? this.draw : undefined;
    return { drawing: d?.ctx.getImageData(0, 0, d.canvas.width, d.canvas.height), seed: this.seedEl?.isConnected ? this.seedEl.value : undefined };
  }

  private send(input: TryInput): void {
    const requestId = ++this.requestId;
    this.pending.set(requestId, input);
    this.outputEl.classList.add('busy');
    // A game's board says itself that the network is thinking.
    this.setProgress(input.kind === 'text' ? `Generating ${input.length} characters…` : input.kind === 'move' ? undefined : 'Predicting…');
    post({ type: 'predict', requestId, input });
  }

  private setProgress(text: string | undefined): void {
    this.progressEl.hidden = text === undefined;
    this.progressEl.replaceChildren(...(text === undefined ? [] : [h('span', { className: 'codicon codicon-loading codicon-modifier-spin' }), ` ${text}`]));
  }

  /** The host's answer; answers to older requests than the latest are dropped (the user moved on). */
  onPrediction(requestId: number, output: TryOutput): void {
    this.pending.delete(requestId);
    if (requestId !== this.requestId) return;
    this.outputEl.classList.remove('busy');
    this.setProgress(undefined);
    if (this.rl && (output.kind === 'episode' || output.kind === 'move')) this.rl.onOutput(output);
    else this.renderOutput(output);
  }

  onError(message: string, hint?: string): void {
    this.outputEl.classList.remove('busy');
    this.setProgress(undefined);
    this.rl?.onError(message);
    clear(this.outputEl);
    this.outputEl.append(h('p', { className: 'error', role: 'alert' }, message), hint ? h('p', { className: 'muted' }, hint) : '');
  }

  private render(): void {
    clear(this.inputEl);
    clear(this.outputEl);
    this.draw = undefined;
    this.seedEl = undefined;
    this.rl?.dispose();
    this.rl = undefined;
    const info = this.info;
    switch (info.kind) {
      case 'episode':
      case 'game':
        this.rl = new RlTry(info, (input) => this.send(input));
        this.inputEl.append(this.rl.el);
        break;
      case 'none':
        this.inputEl.append(h('p', { className: 'empty' }, info.reason));
        return;
      case 'image':
        this.renderImageInput(info);
        break;
      case 'tabular':
        this.renderTabularInput(info);
        break;
      case 'text':
        this.renderTextInput(info);
        break;
    }
    if (info.kind === 'image' && info.testSamples > 0 && !info.autoencoder) {
      this.evalEl.replaceChildren(button('Evaluate on the test set', () => post({ type: 'evaluate' }), { icon: 'checklist', id: 'evaluate' }));
    } else {
      clear(this.evalEl);
    }
  }

  private renderImageInput(info: Extract<TryInfo, { kind: 'image' }>): void {
    const canvas = h('canvas', { className: 'draw', id: 'draw', width: info.width, height: info.height, role: 'img', 'aria-label': 'Drawing area: draw a digit with the mouse or pen' }) as HTMLCanvasElement;
    const ctx = canvas.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
    this.draw = { canvas, ctx };
    const reset = () => {
      ctx.fillStyle = '#000';
      ctx.fillRect(0, 0, info.width, info.height);
    };
    reset();
    let last: { x: number; y: number } | undefined;
    const pos = (ev: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      return { x: ((ev.clientX - r.left) / r.width) * info.width, y: ((ev.clientY - r.top) / r.height) * info.height };
    };
    canvas.addEventListener('pointerdown', (ev) => {
      canvas.setPointerCapture(ev.pointerId);
      last = pos(ev);
      stroke(last, last);
    });
    canvas.addEventListener('pointermove', (ev) => {
      if (!last) return;
      const p = pos(ev);
      stroke(last, p);
      last = p;
    });
    const end = () => {
      if (!last) return;
      last = undefined;
      this.predictDrawing();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
    const stroke = (a: { x: number; y: number }, b: { x: number; y: number }) => {
      // A soft pen about as thick as MNIST strokes (2-3 px at 28x28).
      ctx.strokeStyle = '#fff';
      ctx.lineCap = 'round';
      ctx.lineJoin = 'round';
      ctx.lineWidth = info.width / 12;
      ctx.beginPath();
      ctx.moveTo(a.x, a.y);
      ctx.lineTo(b.x, b.y);
      ctx.stroke();
    };
    const index = h('input', { type: 'number', id: 'sample-index', min: 0, max: Math.max(0, info.testSamples - 1), value: 0, 'aria-label': 'Test sample index' }) as HTMLInputElement;
    const pick = () => {
      const i = Math.max(0, Math.min(info.testSamples - 1, Math.floor(Number(index.value) || 0)));
      index.value = String(i);
      this.send({ kind: 'sample', index: i });
    };
    index.addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') pick();
    });
    this.inputEl.append(
      h('h3', {}, info.autoencoder ? 'Input' : 'Draw a digit'),
      canvas,
      h('div', { className: 'toolbar' }, button('Clear', () => { reset(); clear(this.outputEl); }, { icon: 'clear-all', secondary: true, id: 'clear-draw' }),
        button('Predict', () => this.predictDrawing(), { icon: 'play', id: 'predict-draw' })),
      info.testSamples > 0
        ? h('div', { className: 'toolbar' }, h('label', { for: 'sample-index' }, 'Test sample '), index,
            button('Show', pick, { icon: 'eye', secondary: true, id: 'pick-sample' }),
            button('Random', () => { index.value = String(Math.floor(Math.random() * info.testSamples)); pick(); }, { icon: 'debug-restart', secondary: true }))
        : '',
    );
  }

  private predictDrawing(): void {
    const d = this.draw;
    if (!d || this.info.kind !== 'image') return;
    const { width, height, channels } = this.info;
    const img = d.ctx.getImageData(0, 0, width, height).data;
    const gray = new Float32Array(width * height);
    for (let i = 0; i < gray.length; i++) gray[i] = img[i * 4] / 255;
    const norm = width === 28 && height === 28 ? mnistNormalize(gray) : Array.from(gray);
    const pixels = channels === 1 ? norm : norm.flatMap((v) => new Array<number>(channels).fill(v));
    this.send({ kind: 'image', pixels });
  }

  private renderTabularInput(info: Extract<TryInfo, { kind: 'tabular' }>): void {
    const fields = Array.from({ length: info.features }, (_, i) =>
      h('input', { type: 'number', step: 'any', value: 0, id: `feature-${i}`, 'aria-label': info.featureNames?.[i] ?? `feature ${i + 1}` }) as HTMLInputElement,
    );
    const go = () => this.send({ kind: 'tabular', values: fields.map((f) => Number(f.value) || 0) });
    fields.forEach((f) => f.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') go(); }));
    this.inputEl.append(
      h('h3', {}, 'Input values'),
      h('div', { className: 'features' }, ...fields.map((f, i) => h('label', {}, `${info.featureNames?.[i] ?? `x${i + 1}`} `, f))),
      h('div', { className: 'toolbar' }, button('Predict', go, { icon: 'play', id: 'predict-tabular' })),
    );
  }

  private renderTextInput(info: Extract<TryInfo, { kind: 'text' }>): void {
    const st = loadViewState();
    const seed = h('textarea', { id: 'seed', rows: 3, 'aria-label': 'Seed text' }) as HTMLTextAreaElement;
    seed.value = st.trySeed ?? 'The ';
    this.seedEl = seed;
    seed.addEventListener('input', () => saveViewState({ trySeed: seed.value }));
    const length = h('input', { type: 'number', id: 'gen-length', min: 1, max: 2000, value: st.tryLength ?? 200, 'aria-label': 'Characters to generate' }) as HTMLInputElement;
    const temp = h('input', { type: 'number', id: 'temperature', min: 0.05, max: 5, step: 0.05, value: st.tryTemperature ?? 0.8, 'aria-label': 'Temperature' }) as HTMLInputElement;
    const go = () => {
      const n = Math.max(1, Math.min(2000, Math.floor(Number(length.value) || 1)));
      const t = Math.max(0.05, Math.min(5, Number(temp.value) || 1));
      saveViewState({ tryLength: n, tryTemperature: t });
      this.send({ kind: 'text', seed: seed.value, length: n, temperature: t });
    };
    this.inputEl.append(
      h('h3', {}, 'Generate text'),
      h('label', { for: 'seed' }, 'Seed'),
      seed,
      h('div', { className: 'toolbar' }, h('label', {}, 'Characters ', length), h('label', {}, ' Temperature ', temp), button('Generate', go, { icon: 'play', id: 'generate' })),
      h('p', { className: 'muted' }, `Window of ${info.seqLength} characters; ${info.vocab.length} symbols.`),
    );
  }

  private renderOutput(out: TryOutput): void {
    clear(this.outputEl);
    const p = palette();
    switch (out.kind) {
      case 'classes': {
        const best = out.probs.indexOf(Math.max(...out.probs));
        const name = (i: number) => out.classNames?.[i] ?? String(i);
        if (out.input && this.info.kind === 'image') {
          const c = h('canvas', { className: 'sample' }) as HTMLCanvasElement;
          paintImage(c, out.input, this.info.width, this.info.height, 4);
          this.outputEl.append(c);
        }
        this.outputEl.append(h('h3', { id: 'prediction' }, `Prediction: ${name(best)} (${(out.probs[best] * 100).toFixed(1)}%)${out.label !== undefined ? ` · label ${name(out.label)}` : ''}`));
        const bars = h('div', { className: 'bars', role: 'list' });
        out.probs.forEach((pr, i) => {
          bars.append(
            h('div', { className: `bar-row${i === best ? ' best' : ''}`, role: 'listitem', 'aria-label': `${name(i)}: ${(pr * 100).toFixed(1)}%` },
              h('span', { className: 'bar-label' }, name(i)),
              h('span', { className: 'bar' }, h('span', { className: 'bar-fill', style: `width:${(pr * 100).toFixed(2)}%;background:${i === best ? p.series[0] : withAlpha(p.series[0], 0.45)}` })),
              h('span', { className: 'bar-value' }, `${(pr * 100).toFixed(1)}%`)),
          );
        });
        this.outputEl.append(bars);
        return;
      }
      case 'values':
        this.outputEl.append(
          h('h3', {}, 'Prediction'),
          h('p', { className: 'values', id: 'prediction' }, out.values.map((v) => v.toPrecision(5)).join(', ')),
          out.label ? h('p', { className: 'muted' }, `target: ${out.label.map((v) => v.toPrecision(5)).join(', ')}`) : '',
        );
        return;
      case 'reconstruction': {
        const a = h('canvas', { className: 'sample' }) as HTMLCanvasElement;
        const b = h('canvas', { className: 'sample', id: 'reconstruction' }) as HTMLCanvasElement;
        paintImage(a, out.input, out.width, out.height, 6);
        paintImage(b, out.output, out.width, out.height, 6);
        const mse = out.input.reduce((s, v, i) => s + (v - out.output[i]) ** 2, 0) / out.input.length;
        this.outputEl.append(h('h3', {}, 'Reconstruction'), h('div', { className: 'pair' }, h('figure', {}, a, h('figcaption', {}, 'input')), h('figure', {}, b, h('figcaption', {}, 'output'))), h('p', { className: 'muted' }, `mean squared error ${mse.toPrecision(3)}`));
        return;
      }
      case 'text':
        this.outputEl.append(h('h3', {}, 'Generated'), h('pre', { className: 'generated', id: 'generated' }, h('span', { className: 'muted' }, out.seed), out.generated));
        return;
    }
  }

  setEvaluation(ev: Evaluation): void {
    const p = palette();
    const n = ev.classNames.length;
    const max = Math.max(1, ...ev.confusion.flat());
    const head = h('tr', {}, h('th', { title: 'true \\ predicted' }, 'true \\ pred'), ...ev.classNames.map((c) => h('th', {}, c)));
    const rows = ev.confusion.map((row, t) =>
      h('tr', {}, h('th', {}, ev.classNames[t]), ...row.map((c, pr) =>
        h('td', { style: `background:${withAlpha(t === pr ? p.series[0] : p.series[4], c === 0 ? 0 : 0.12 + 0.78 * (c / max))}`, title: `${c} of class ${ev.classNames[t]} predicted as ${ev.classNames[pr]}` }, String(c)))),
    );
    const worst = h('div', { className: 'worst' });
    for (const w of ev.worst) {
      const fig = h('figure', { 'data-index': w.index });
      if (w.pixels && this.info.kind === 'image') {
        const c = h('canvas', { className: 'sample' }) as HTMLCanvasElement;
        paintImage(c, w.pixels, this.info.width, this.info.height, 2);
        fig.append(c);
      }
      fig.append(h('figcaption', {}, `#${w.index}: ${ev.classNames[w.label]} → ${ev.classNames[w.predicted]} (${(w.prob * 100).toFixed(0)}%)`));
      worst.append(fig);
    }
    this.evalEl.replaceChildren(
      button('Evaluate on the test set', () => post({ type: 'evaluate' }), { icon: 'checklist', id: 'evaluate' }),
      h('h3', {}, `Test accuracy ${(ev.accuracy * 100).toFixed(2)}% on ${ev.samples} samples`),
      h('table', { className: 'confusion', id: 'confusion', 'aria-label': `Confusion matrix, ${n} classes` }, h('thead', {}, head), h('tbody', {}, ...rows)),
      h('h3', {}, 'Worst-classified samples'),
      worst,
    );
  }
}
