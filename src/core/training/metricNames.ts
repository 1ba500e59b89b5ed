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
