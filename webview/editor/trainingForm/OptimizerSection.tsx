/** The form's Optimizer group: the optimizer and its Keras hyper-parameters (booleans as checkboxes). */
import { OPTIMIZER_DEFAULTS, type OptimizerName } from '../../../src/core/training';
import { withOptimizer } from '../trainingDraft';
import { Check, Select, Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

const PARAM_HELP: Record<string, string> = {
  learning_rate: 'Step size (Keras learning_rate)',
  momentum: 'Momentum, 0 ≤ m < 1',
  nesterov: 'Nesterov momentum',
  rho: 'Decay of the moving average, 0 ≤ rho < 1',
  epsilon: 'Small constant for numerical stability',
  beta_1: 'Decay of the first moment, 0 ≤ β1 < 1',
  beta_2: 'Decay of the second moment, 0 ≤ β2 < 1',
  amsgrad: 'AMSGrad variant: the largest second moment so far',
  weight_decay: 'Decoupled weight decay: w −= lr · weight_decay · w each step',
  centered: 'Normalise by the centred second moment',
  initial_accumulator_value: 'Starting value of the accumulators, ≥ 0',
  clipnorm: 'Clip each gradient tensor to this L2 norm',
  clipvalue: 'Clip each gradient element to ± this value',
  global_clipnorm: 'Clip all gradients together to this global L2 norm',
};

export function OptimizerSection({ draft, err, set }: SectionProps) {
  return (
    <>
      <div className="ms-panel-subtitle">Optimizer</div>
      <Select
        k="optimizer"
        label="optimizer"
        value={draft.optimizer}
        options={Object.keys(OPTIMIZER_DEFAULTS)}
        error={err('optimizer')}
        onChange={(v) => set('optimizer', (d) => withOptimizer(d, v as OptimizerName))}
      />
      {Object.entries(draft.params).map(([k, v]) =>
        typeof v === 'boolean' ? (
          <Check
            key={`${draft.optimizer}.${k}`}
            k={`optimizer.${k}`}
            label={k}
            help={PARAM_HELP[k]}
            checked={v}
            error={err(`optimizer.${k}`)}
            onChange={(c) => set(`optimizer.${k}`, (d) => ({ ...d, params: { ...d.params, [k]: c } }))}
          />
        ) : (
          <Text
            key={`${draft.optimizer}.${k}`}
            k={`optimizer.${k}`}
            label={k}
            help={PARAM_HELP[k]}
            value={v}
            numeric
            error={err(`optimizer.${k}`)}
            onInput={(t) => set(`optimizer.${k}`, (d) => ({ ...d, params: { ...d.params, [k]: t } }))}
          />
        ),
      )}
    </>
  );
}
