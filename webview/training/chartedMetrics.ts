/** Which curves the live charts draw for a session's metric keys, with their titles, labels and colours. */
import { metricOwner, outputsInKeys } from '../../src/core/training';

/** A metric as charted: its History key, the output it belongs to (models with several), labels and colours. */
export interface ChartedMetric {
  key: string;
  metric: string;
  output?: string;
  /** Chart title (`loss`, `cls · accuracy`) and series label (`loss`, `cls accuracy`). */
  title: string;
  label: string;
  /** The per-batch colour, and the per-epoch train and validation colours. */
  color: string;
  train: string;
  val: string;
}

/**
 * The metrics to chart, in order: the model's own (the total `loss` first), then each output's loss and metrics
 * (Keras' `<output>_loss`, `<output>_<metric>`), grouped by output. An output's charts share one colour, its
 * validation curve dashed, so each head reads as one family across the cards.
 */
export function chartedMetrics(keys: readonly string[], colors: readonly string[]): ChartedMetric[] {
  const outputs = outputsInKeys(keys);
  const owned = keys.map((key) => ({ key, ...metricOwner(key, outputs) }));
  const model = owned.filter((m) => m.output === undefined);
  // Within an output, its loss first (as the total loss leads the model's own), then its metrics as they came.
  const perOutput = outputs.flatMap((o) => owned.filter((m) => m.output === o).sort((a, b) => Number(b.metric === 'loss') - Number(a.metric === 'loss')));
  return [
    ...model.map((m, i) => ({ ...m, title: m.metric, label: m.metric, color: colors[i % colors.length], train: colors[0], val: colors[1] })),
    ...perOutput.map((m) => {
      const color = colors[(2 + outputs.indexOf(m.output as string)) % colors.length];
      const label = `${m.output} ${m.metric}`;
      return { ...m, title: `${m.output} · ${m.metric}`, label, color, train: color, val: color };
    }),
  ];
}
