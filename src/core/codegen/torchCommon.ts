/**
 * What every PyTorch layer translation shares: the shape of a translation (constructor, forward expression,
 * weight copies), Keras' activations as torch functions, and small text helpers.
 */
import type { LayerInfo } from '../analysis';
import type { Json, JsonObject } from '../types';
import { pyValue } from './python';

export interface TorchLayer {
  /** `nn.Module` constructor, when the layer has one (`self.<attr> = ...`). */
  init?: string;
  /** The forward expression from the input variables; `m` is `self.<attr>`. */
  call(ins: string[], m: string, mask?: string): string;
  /** The layer reads Keras' mask of its input (`mask` in `call`: a boolean (batch, steps) tensor). */
  usesMask?: boolean;
  /** Lines that copy our weights into `m`; `w(i)` is the expression of the layer's i-th weight (numpy). */
  load?(m: string, w: (i: number) => string): string[];
}

export type TorchResult = TorchLayer | { unsupported: string };

export const ACTIVATIONS: Record<string, (x: string) => string> = {
  linear: (x) => x,
  relu: (x) => `F.relu(${x})`,
  sigmoid: (x) => `torch.sigmoid(${x})`,
  tanh: (x) => `torch.tanh(${x})`,
  softmax: (x) => `torch.softmax(${x}, dim=-1)`,
  elu: (x) => `F.elu(${x})`,
  selu: (x) => `F.selu(${x})`,
  softplus: (x) => `F.softplus(${x})`,
  softsign: (x) => `F.softsign(${x})`,
  hard_sigmoid: (x) => `F.hardsigmoid(${x})`, // Keras 3: relu6(x + 3) / 6
  exponential: (x) => `torch.exp(${x})`,
  swish: (x) => `F.silu(${x})`,
  silu: (x) => `F.silu(${x})`,
  gelu: (x) => `F.gelu(${x})`, // Keras 3 default: approximate=False
  relu6: (x) => `F.relu6(${x})`,
};

export function act(name: Json | undefined): ((x: string) => string) | string {
  const n = typeof name === 'string' ? name : name === null || name === undefined ? 'linear' : '';
  return ACTIVATIONS[n] ?? `activation ${JSON.stringify(name)} has no PyTorch function here`;
}

export const ints = (v: Json | undefined, n: number): number[] => (Array.isArray(v) ? (v as number[]) : Array(n).fill(v as number));
export const tuple = (xs: readonly number[]) => pyValue([...xs]);
export const lastDim = (info: LayerInfo, i = 0) => info.inputShapes[i]?.[info.inputShapes[i].length - 1] ?? null;
export const T = (w: string) => `${w}.T`;

/** Keras' `data_format`: channels-first tensors (N, C, ...) are torch's layout, channels-last ones move their channels. */
export const channelsFirst = (c: JsonObject): boolean => c.data_format === 'channels_first';
