/**
 * Keras operations on the last two axes as matrices (keras/src/ops/numpy.py): `keras.ops.tril(x, k=0)` and
 * `keras.ops.triu(x, k=0)`, recorded as classes Tril and Triu (module keras.src.ops.numpy, config `k`): the
 * elements on and below (Tril) or on and above (Triu) the k-th diagonal are kept, the others set to 0. The
 * batch axis is never a matrix axis here: a rank-2 input would make each row a different sample.
 */
import type { CatalogSpec } from './define';
import { f } from './fields';
import type { KerasOperation } from './operations';
import { ShapeError } from './spec';

export const MATRIX_OPERATIONS: Readonly<Record<string, KerasOperation>> = {
  Tril: { module: 'keras.src.ops.numpy', fn: 'tril' },
  Triu: { module: 'keras.src.ops.numpy', fn: 'triu' },
};

const triangle = (cls: 'Tril' | 'Triu', where: string): CatalogSpec => ({
  className: cls,
  category: 'Reshape',
  doc: `Keeps the elements ${where} the k-th diagonal of the last two axes, zeros the rest (Keras operation keras.ops.${MATRIX_OPERATIONS[cls]!.fn})`,
  fields: [f.int('k', 0, 'Diagonal offset: 0 the main diagonal, positive above it, negative below')],
  inputs: { min: 1, max: 1 },
  outputShape([x]) {
    if (x!.length < 3) throw new ShapeError(`an input of rank ${x!.length}: its matrix rows would be the batch axis`, 'give each sample a matrix: (batch, rows, columns)');
    return [...x!];
  },
  weights: () => [],
});

export const matrixOperationLayers: CatalogSpec[] = [triangle('Tril', 'on and below'), triangle('Triu', 'on and above')];
