/** Built-in datasets that need no file: the XOR truth table and a synthetic multi-variable linear regression. */
import { arraySource, rng, type DataSplits } from './source';

/** The four XOR rows; targets are 0/1 floats of shape [1] (binary_crossentropy on a sigmoid output). */
export function xorDataset(): DataSplits {
  const x = Float32Array.from([0, 0, 0, 1, 1, 0, 1, 1]);
  const y = Float32Array.from([0, 1, 1, 0]);
  const train = arraySource('xor', x, [2], y, { kind: 'values', shape: [1] });
  return { train, test: train };
}

export interface LinearOptions {
  features?: number;
  samples?: number;
  noise?: number;
  seed?: number;
}

/** The true coefficients of the synthetic regression, so a test (or a user) can check what was learnt. */
export function linearCoefficients(features: number): { w: number[]; b: number } {
  const w = [...Array(features).keys()].map((i) => [2, -3.5, 1.25, 0.5, -1][i % 5] * (1 + Math.floor(i / 5)));
  return { w, b: 0.5 };
}

/** y = x·w + b + noise with x ~ U(-1, 1): 1,000 training and 200 test samples by default. */
export function linearDataset(opts: LinearOptions = {}): DataSplits {
  const features = opts.features ?? 3;
  const samples = opts.samples ?? 1000;
  const testSamples = Math.max(1, Math.round(samples / 5));
  const noise = opts.noise ?? 0.05;
  const random = rng(opts.seed ?? 1234);
  const { w, b } = linearCoefficients(features);
  const make = (n: number, name: string) => {
    const x = new Float32Array(n * features);
    const y = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let v = b;
      for (let j = 0; j < features; j++) {
        const xi = random() * 2 - 1;
        x[i * features + j] = xi;
        v += xi * w[j];
      }
      // Box-Muller for Gaussian noise.
      const g = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
      y[i] = v + noise * g;
    }
    return arraySource(name, x, [features], y, { kind: 'values', shape: [1] });
  };
  return { train: make(samples, 'linear (train)'), test: make(testSamples, 'linear (test)') };
}
