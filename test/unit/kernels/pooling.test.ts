/**
 * maxPoolGradNHWC against a plain sequential scan (tfjs' rule: the first strictly greatest pixel of a window,
 * row-major, gets the gradient; NaN never wins; a window with nothing above -Infinity passes nothing), on
 * values built to hit every case of the 2x2 fast path: ties (ReLU zeros), NaN leading or trailing a row,
 * -Infinity windows, and windows that do not tile the image.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { WindowGeometry } from '../../../src/engine/tfjs/kernels/geometry';
import { maxPoolGradNHWC } from '../../../src/engine/tfjs/kernels/pooling';

function reference(x: Float32Array, dy: Float32Array, g: WindowGeometry): Float32Array {
  const dx = new Float32Array(x.length);
  let d = 0;
  for (let n = 0; n < g.batch; n++)
    for (let oh = 0; oh < g.outH; oh++)
      for (let ow = 0; ow < g.outW; ow++)
        for (let c = 0; c < g.inC; c++, d++) {
          let best = -Infinity;
          let pos = -1;
          for (let kh = 0; kh < g.kH; kh++)
            for (let kw = 0; kw < g.kW; kw++) {
              const ih = oh * g.strideH - g.padTop + kh;
              const iw = ow * g.strideW - g.padLeft + kw;
              if (ih < 0 || ih >= g.inH || iw < 0 || iw >= g.inW) continue;
              const p = ((n * g.inH + ih) * g.inW + iw) * g.inC + c;
              if (x[p] > best) {
                best = x[p];
                pos = p;
              }
            }
          if (pos >= 0) dx[pos] += dy[d];
        }
  return dx;
}

function geometry(batch: number, inH: number, inW: number, inC: number, stride: number): WindowGeometry {
  const outH = Math.floor((inH - 2) / stride) + 1;
  const outW = Math.floor((inW - 2) / stride) + 1;
  return { batch, inH, inW, inC, outH, outW, outC: inC, kH: 2, kW: 2, strideH: stride, strideW: stride, padTop: 0, padLeft: 0 };
}

/** Few distinct values so ties are common, with NaN and -Infinity sprinkled in. */
function values(count: number, seed: number): Float32Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  const pick = [0, 0, 0, 1, 2, -1, NaN, -Infinity, 0.5];
  return Float32Array.from({ length: count }, () => pick[Math.floor(next() * pick.length)]);
}

test('2x2 max-pool gradient: the same pixel as the sequential scan, NaN and -Infinity included', () => {
  for (const [i, g] of [geometry(3, 8, 8, 5, 2), geometry(2, 7, 9, 3, 2), geometry(2, 8, 9, 4, 3)].entries()) {
    const x = values(g.batch * g.inH * g.inW * g.inC, 11 + i);
    const dy = Float32Array.from({ length: g.batch * g.outH * g.outW * g.inC }, (_, k) => k + 1);
    const dx = new Float32Array(x.length).fill(123); // the kernel must not rely on a zeroed output
    maxPoolGradNHWC(x, dy, g, dx);
    assert.deepEqual(dx, reference(x, dy, g), `case ${i}`);
  }
});

test("stride 3 with 'same' padding: the last window reaching into the padding takes the general path", () => {
  // tfjs' computePool2DInfo([1, 4, 4, 1], 2, 3, 1, 'same'): 2x2 outputs, padding only below and to the right.
  const g: WindowGeometry = { batch: 1, inH: 4, inW: 4, inC: 1, outH: 2, outW: 2, outC: 1, kH: 2, kW: 2, strideH: 3, strideW: 3, padTop: 0, padLeft: 0 };
  const x = Float32Array.from([5, 1, 2, 3, 9, 0, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4]);
  const dy = Float32Array.from([10, 20, 30, 40]);
  const dx = new Float32Array(16).fill(7);
  maxPoolGradNHWC(x, dy, g, dx);
  assert.deepEqual(dx, reference(x, dy, g));
});

test('all-NaN and all -Infinity windows pass nothing', () => {
  const g = geometry(1, 2, 4, 1, 2);
  const x = Float32Array.from([NaN, NaN, -Infinity, -Infinity, NaN, NaN, -Infinity, -Infinity]);
  const dx = new Float32Array(8).fill(7);
  maxPoolGradNHWC(x, Float32Array.from([1, 2]), g, dx);
  assert.deepEqual([...dx], [0, 0, 0, 0, 0, 0, 0, 0]);
});
