/** Which curves the live charts draw for a session's metric keys, with their titles, labels and colours. */
import { EPISODE_METRICS, SELF_PLAY_RATES, type RlUnit } from '../../src/core/rl/watch';
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

/** One chart of an RL run: per episode (or self-play iteration), one or more metrics drawn together. */
export interface RlChart {
  id: string;
  title: string;
  /** The metric whose format the readout uses. */
  metric: string;
  series: { key: string; label: string; color: string; points?: boolean; width?: number }[];
}

/**
 * The charts of an RL run: the episode's return as points with its 100-episode moving average as a line on
 * one chart, self-play's win / draw / loss rates on one chart, then every other metric (loss, epsilon, steps,
 * policy_loss, value_loss) a chart of its own, titled by the unit of the x axis.
 */
export function rlCharts(keys: readonly string[], colors: readonly string[], unit: RlUnit): RlChart[] {
  const has = (k: string) => keys.includes(k);
  const charts: RlChart[] = [];
  const { return: ret, average } = EPISODE_METRICS;
  if (has(ret) || has(average)) {
    const series: RlChart['series'] = [];
    if (has(ret)) series.push({ key: ret, label: 'return', color: colors[0], points: true, width: 1 });
    if (has(average)) series.push({ key: average, label: 'average of the last 100', color: colors[1], width: 2 });
    charts.push({ id: 'rl:return', title: `return per ${unit}`, metric: ret, series });
  }
  const rates = SELF_PLAY_RATES.filter(has);
  const rateColors = [colors[2], colors[5 % colors.length], colors[4 % colors.length]];
  if (rates.length) {
    const series = rates.map((k) => ({ key: k, label: k.replace(/_rate$/, ''), color: rateColors[SELF_PLAY_RATES.indexOf(k)], points: true }));
    charts.push({ id: 'rl:rates', title: `win / draw / loss rate per ${unit}`, metric: rates[0], series });
  }
  const shown = new Set<string>([ret, average, ...rates]);
  keys.filter((k) => !shown.has(k)).forEach((k, i) => {
    charts.push({ id: `rl:${k}`, title: `${k} per ${unit}`, metric: k, series: [{ key: k, label: k, color: colors[(2 + i) % colors.length], points: true }] });
  });
  return charts;
}
