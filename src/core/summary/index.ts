/**
 * `model.summary()` as the Keras a model belongs to prints it: Keras 3's box table for our own models and
 * Keras 3 files, tf.keras 2's text for files written by Keras 1 or 2.
 */
import { analyze, type Analysis } from '../analysis';
import type { ModelGraph } from '../types';
import { summaryTextKeras2 } from './keras2';
import { summaryTextKeras3 } from './keras3';

export { formatCount, formatShape } from './keras2';

export type SummaryLayout = 'keras2' | 'keras3';

/** The layout for a file's `keras_version` (absent: our own model, which means Keras 3). */
export function summaryLayoutFor(kerasVersion: string | undefined): SummaryLayout {
  return /^[12]\./.test(kerasVersion ?? '') ? 'keras2' : 'keras3';
}

export interface SummaryOptions {
  layout?: SummaryLayout;
  /** The terminal's width; Keras 3 narrows its table to it (minus 4). Absent: Keras' default widths. */
  terminalColumns?: number;
}

export function summaryText(g: ModelGraph, a: Analysis = analyze(g), options: SummaryOptions = {}): string {
  return (options.layout ?? 'keras3') === 'keras2' ? summaryTextKeras2(g, a) : summaryTextKeras3(g, a, options.terminalColumns);
}
