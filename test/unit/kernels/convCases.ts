/** Convolution shapes every conv kernel is checked on (cpu, wasm and webgpu suites). */
export type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
export interface ConvCase {
  x: number[];
  w: number[];
  strides: [number, number];
  pad: Pad;
}

/** Strides 1, 2, (2,1), (1,2); same, valid and explicit padding; odd sizes; Cin = 1; 1x1 and 5x3 filters. */
export const commonConvCases: ConvCase[] = [
  { x: [2, 7, 9, 3], w: [3, 3, 3, 4], strides: [1, 1], pad: 'valid' },
  { x: [3, 8, 8, 2], w: [3, 3, 2, 5], strides: [2, 2], pad: 'same' },
  { x: [2, 9, 7, 1], w: [5, 3, 1, 6], strides: [2, 1], pad: 'same' },
  { x: [1, 5, 5, 4], w: [1, 1, 4, 3], strides: [1, 1], pad: 'valid' },
  { x: [2, 7, 7, 3], w: [2, 2, 3, 2], strides: [2, 2], pad: 'valid' },
  { x: [2, 6, 5, 3], w: [3, 3, 3, 4], strides: [1, 2], pad: [[0, 0], [1, 2], [2, 0], [0, 0]] },
];
