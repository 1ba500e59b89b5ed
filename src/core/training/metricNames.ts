/** How metrics are named, ranked and shown (Keras' History names: `loss`, `val_loss`, `accuracy`, ...). */

/** Metrics where lower is better (losses and errors); everything else (accuracy, auc, ...) is higher-better. */
export function lowerIsBetter(metric: string): boolean {
  const m = metric.replace(/^val_/, '');
  return /loss|error|mae|mse|mape|msle|crossentropy|hinge|huber|kl|poisson/.test(m) && !/accuracy|acc$/.test(m);
}

/** The base metric names of a set of keys: `loss`, `acc` for `loss`, `val_loss`, `acc`, `val_acc`. */
export function baseMetrics(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) out.add(k.replace(/^val_/, ''));
  // Loss first, then the others in first-seen order.
  return [...out].sort((a, b) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
}

/** A short label for a metric's value: accuracy-like as a percentage, others with 3-4 significant digits. */
export function formatMetric(name: string, v: number | undefined): string {
  if (v === undefined || v === null) return '–';
  if (!Number.isFinite(v)) return String(v);
  if (/acc/.test(name) && v >= 0 && v <= 1) return `${(v * 100).toFixed(1)}%`;
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(2);
  // Three significant digits below 1 (0.123, 0.0421), three decimals up to 100, one above.
  return a >= 100 ? v.toFixed(1) : a >= 1 ? v.toFixed(3) : String(Number(v.toPrecision(3)));
}

/**
 * The History keys of a model with several outputs, besides `loss`: `<output>_loss` and `<output>_<metric>`
 * per output, as Keras 3 names them (keras/src/trainers/compile_utils.py: CompileLoss and CompileMetrics
 * prefix each output's name; checked with Keras 3.15 for a functional model with two named outputs).
 */
export function outputMetricKeys(outputs: Record<string, { metrics: readonly string[] }> | undefined): string[] {
  return Object.entries(outputs ?? {}).flatMap(([name, o]) => [`${name}_loss`, ...o.metrics.map((m) => `${name}_${m}`)]);
}

/**
 * The outputs named by a set of History keys: Keras reports `<output>_loss` for each output of a model with
 * several (and no other key ends in `_loss`), so the keys alone say which outputs there are, in first-seen order.
 */
export function outputsInKeys(keys: Iterable<string>): string[] {
  const out = new Set<string>();
  for (const k of keys) {
    const base = k.replace(/^val_/, '');
    if (base !== 'loss' && base.endsWith('_loss') && base.length > '_loss'.length) out.add(base.slice(0, -'_loss'.length));
  }
  return [...out];
}

/**
 * Which output a base History key belongs to, and the metric's own name: `cls_accuracy` -> cls, accuracy.
 * The longest matching output name wins (outputs `a` and `a_b`: `a_b_loss` is a_b's loss); a key of no
 * output (the total `loss`) has none.
 */
export function metricOwner(key: string, outputs: readonly string[]): { output?: string; metric: string } {
  const owner = outputs.filter((o) => key.startsWith(`${o}_`)).sort((a, b) => b.length - a.length)[0];
  return owner === undefined ? { metric: key } : { output: owner, metric: key.slice(owner.length + 1) };
}
