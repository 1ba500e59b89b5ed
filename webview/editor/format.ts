/** Display helpers shared by the canvas, properties and summary. */
import type { Shape } from '../../src/core/types';
import { getSpec } from '../../src/core/layers';
import type { Category } from '../../src/core/layers/spec';

/** Keras' notation, `(None, 28, 28, 1)`. */
export function shapeText(s: Shape | null | undefined): string {
  if (!s) return '?';
  return `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')}${s.length === 1 ? ',' : ''})`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const ICONS: Record<Category, string> = {
  Input: 'sign-in',
  Core: 'symbol-class',
  Convolution: 'symbol-array',
  Pooling: 'fold-down',
  Recurrent: 'sync',
  Normalization: 'symbol-ruler',
  Regularization: 'shield',
  Preprocessing: 'filter',
  Merge: 'merge',
  Attention: 'eye',
  Reshape: 'symbol-structure',
  Activation: 'zap',
  Wrapper: 'package',
};

export function categoryIcon(className: string): string {
  const c = getSpec(className)?.category;
  return c ? ICONS[c] : 'question';
}

export const CATEGORY_ORDER: readonly Category[] = [
  'Input',
  'Core',
  'Convolution',
  'Pooling',
  'Recurrent',
  'Normalization',
  'Regularization',
  'Preprocessing',
  'Merge',
  'Attention',
  'Reshape',
  'Activation',
  'Wrapper',
];
