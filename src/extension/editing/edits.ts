/**
 * One edit of the document, from the snapshot before it to the one after: graph intents (graphIntents.ts), the
 * training configuration (checked as the Training panel checks it) and a run's weights (checked against the
 * graph).
 */
import { expectedWeights } from '../../core/analysis';
import { firstProblem, parseTrainingConfig, withTraining } from '../../core/training';
import { UserError, type ModelGraph, type NamedTensor } from '../../core/types';
import { applyIntent } from './graphIntents';
import { snapshot, type DocumentEdit, type Metadata, type Snapshot } from './snapshot';

/** The snapshot after `intent`, with the edit's label and created layers. Throws UserError when it cannot apply. */
export function applyEdit(before: Snapshot, intent: DocumentEdit): { after: Snapshot; label: string; created: string[] } {
  if (intent.op === 'setTrainingConfig') {
    return { after: snapshot(before.graph, before.weights, withCheckedTraining(before.meta, intent.training)), label: 'Configure training', created: [] };
  }
  if (intent.op === 'setWeights') {
    return { after: snapshot(before.graph, checkedWeights(before.graph, intent.weights), before.meta), label: intent.label ?? 'Set weights', created: [] };
  }
  const r = applyIntent(before.graph, intent);
  const weights = r.renamed ? renameWeights(before.weights, r.renamed) : before.weights;
  return { after: snapshot(r.graph, weights, before.meta), label: r.label, created: r.created };
}

/**
 * Metadata with a new training configuration: ours in `userDefinedMetadata.modelStudio.training` (other
 * modelStudio keys, such as the layout, kept) and Keras' `training_config` beside it. Refuses a config that
 * does not pass the checks the Training panel shows.
 */
function withCheckedTraining(meta: Metadata, raw: unknown): Metadata {
  const parsed = parseTrainingConfig(raw);
  if (!parsed.config) {
    throw new UserError(`The training configuration is not valid: ${firstProblem(parsed.errors)}`, 'correct the value in the Training panel', 'invalid-training-config');
  }
  return withTraining(meta, parsed.config);
}

/**
 * Weights for `graph`: exactly the tensors Keras expects (names `<layer>/<weight>`, shapes), in Keras order.
 * Anything missing, extra or of another shape refuses the edit: the graph may have changed since the run.
 */
export function checkedWeights(graph: ModelGraph, weights: readonly NamedTensor[]): NamedTensor[] {
  const expected = expectedWeights(graph);
  const byName = new Map(weights.map((w) => [w.name, w]));
  const problems: string[] = [];
  const out: NamedTensor[] = [];
  for (const x of expected) {
    const w = byName.get(x.name);
    if (!w) problems.push(`${x.name} is missing`);
    else if (w.shape.length !== x.shape.length || w.shape.some((d, i) => d !== x.shape[i])) {
      problems.push(`${x.name} has shape [${w.shape.join(', ')}], the model needs [${x.shape.join(', ')}]`);
    } else if (w.data.length !== x.shape.reduce((a, b) => a * b, 1)) problems.push(`${x.name} holds ${w.data.length} values`);
    else out.push(w);
    byName.delete(x.name);
  }
  for (const name of byName.keys()) problems.push(`${name} is not a weight of this model`);
  if (problems.length > 0) {
    const more = problems.length > 3 ? ` (and ${problems.length - 3} more)` : '';
    throw new UserError(
      `These weights do not fit the model: ${problems.slice(0, 3).join('; ')}${more}`,
      'the graph changed since the run started; undo the graph edits or train again',
      'weights-mismatch',
    );
  }
  return out;
}

function renameWeights(weights: readonly NamedTensor[], renamed: { from: string; to: string }): NamedTensor[] {
  const prefix = `${renamed.from}/`;
  return weights.map((w) => (w.name.startsWith(prefix) ? { ...w, name: `${renamed.to}/${w.name.slice(prefix.length)}` } : w));
}
