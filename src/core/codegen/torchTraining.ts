/**
 * The PyTorch training loop: the data of the model's data spec (./dataCode.ts), Keras' loss computed as Keras
 * does (probabilities clipped to [1e-7, 1 - 1e-7] unless from_logits), the same optimizer with Keras'
 * hyper-parameters, the batch size, epochs, validation split and shuffle of the training configuration.
 */
import type { Analysis } from '../analysis';
import { OPTIMIZER_DEFAULTS, type TrainingConfig } from '../training/config';
import type { ModelFile } from '../types';
import { dataLines } from './dataCode';
import { indent, pyNum, pyStr } from './python';

function lossLines(t: TrainingConfig): string[] {
  const logits = t.lossOptions?.from_logits === true;
  const clip = 'p = torch.clamp(y_pred, 1e-7, 1 - 1e-7)';
  switch (t.loss) {
    case 'mean_squared_error':
      return ['return F.mse_loss(y_pred, y.reshape(y_pred.shape))'];
    case 'mean_absolute_error':
      return ['return F.l1_loss(y_pred, y.reshape(y_pred.shape))'];
    case 'huber':
      return [`return F.huber_loss(y_pred, y.reshape(y_pred.shape), delta=${pyNum(t.lossOptions?.delta ?? 1, true)})`];
    case 'binary_crossentropy':
      return logits ? ['return F.binary_cross_entropy_with_logits(y_pred, y.reshape(y_pred.shape))'] : [clip, 'y = y.reshape(p.shape)', 'return -(y * torch.log(p) + (1 - y) * torch.log(1 - p)).mean()'];
    case 'categorical_crossentropy':
      return logits ? ['return F.cross_entropy(y_pred, y)'] : ['p = y_pred / y_pred.sum(dim=-1, keepdim=True)', 'p = torch.clamp(p, 1e-7, 1 - 1e-7)', 'return -(y * torch.log(p)).sum(dim=-1).mean()'];
    case 'sparse_categorical_crossentropy':
      return logits ? ['return F.cross_entropy(y_pred, y.long().reshape(-1))'] : [clip, 'return F.nll_loss(torch.log(p), y.long().reshape(-1))'];
  }
  return [`raise NotImplementedError("loss ${t.loss} is not written for PyTorch")`];
}

function optimizerLines(t: TrainingConfig): string[] {
  const p = { ...OPTIMIZER_DEFAULTS[t.optimizer.name], ...t.optimizer.params } as Record<string, number | boolean>;
  const n = (k: string) => pyNum(Number(p[k]), true);
  const lr = `lr=${n('learning_rate')}`;
  switch (t.optimizer.name) {
    case 'sgd':
      // Keras' v = m v - lr g; w += v equals torch's b = m b + g; w -= lr b at a constant learning rate.
      return [`return torch.optim.SGD(params, ${lr}, momentum=${n('momentum')}, nesterov=${p.nesterov ? 'True' : 'False'})`];
    case 'adam':
    case 'adamax':
      return [
        "# Keras adds epsilon to sqrt(v) before correcting the bias of v, torch after: with the same epsilon the first",
        '# steps differ slightly (epsilon is scaled by sqrt(1 - beta_2 ** t) in Keras\' update).',
        `return torch.optim.${t.optimizer.name === 'adam' ? 'Adam' : 'Adamax'}(params, ${lr}, betas=(${n('beta_1')}, ${n('beta_2')}), eps=${n('epsilon')}${t.optimizer.name === 'adam' && p.amsgrad ? ', amsgrad=True' : ''})`,
      ];
    case 'rmsprop':
      return ['# Keras\' rho is torch\'s alpha.', `return torch.optim.RMSprop(params, ${lr}, alpha=${n('rho')}, eps=${n('epsilon')}, momentum=${n('momentum')}, centered=${p.centered ? 'True' : 'False'})`];
    case 'adagrad':
      return [`return torch.optim.Adagrad(params, ${lr}, initial_accumulator_value=${n('initial_accumulator_value')}, eps=${n('epsilon')})`];
    case 'adadelta':
      return [`return torch.optim.Adadelta(params, ${lr}, rho=${n('rho')}, eps=${n('epsilon')})`];
    case 'adamw':
      return [
        "# Keras' AdamW decays the weights as torch's does (w -= lr * weight_decay * w); epsilon as for Adam above.",
        `return torch.optim.AdamW(params, ${lr}, betas=(${n('beta_1')}, ${n('beta_2')}), eps=${n('epsilon')}, weight_decay=${n('weight_decay')}${p.amsgrad ? ', amsgrad=True' : ''})`,
      ];
    case 'nadam':
      // Keras' Nadam schedules its momentum with a fixed 0.96 decay; torch's NAdam uses another schedule.
      return ["raise NotImplementedError(\"Keras' Nadam has no faithful PyTorch equivalent (torch.optim.NAdam schedules momentum differently)\")"];
  }
}

/** `maskedOutput`: why the loss cannot be Keras' (the output carries a mask); its loss_fn then raises with that. */
export function torchTrainingLines(t: TrainingConfig, a: Analysis, file: ModelFile, maskedOutput?: string): string[] {
  const inShape = a.layers.get(file.graph.inputs[0])?.outputShape ?? [null];
  const outShape = a.layers.get(file.graph.outputs[0])?.outputShape ?? [null];
  const data = dataLines(t, inShape, outShape);
  const keras = data.lines.some((l) => l.includes('keras.'));
  return [
    'def load_data():',
    ...indent([...(keras ? ['import keras  # only for its dataset download'] : []), ...data.lines]),
    '',
    '',
    'def loss_fn(y_pred, y):',
    ...indent(maskedOutput ? [`raise NotImplementedError(${pyStr(`Not written for PyTorch: ${maskedOutput}.`)})`] : lossLines(t)),
    '',
    '',
    'def make_optimizer(params):',
    ...indent(optimizerLines(t)),
    '',
    '',
    'def train(model, x, y):',
    ...indent([
      'x = torch.as_tensor(np.asarray(x))',
      'y = torch.as_tensor(np.asarray(y))',
      `# Keras holds out the last samples: split_at = floor(n * (1 - split)) (keras/src/trainers/data_adapters/array_slicing.py).`,
      `n_val = len(x) - int(np.floor(len(x) * (1.0 - ${pyNum(t.validationSplit, true)})))`,
      'x_train, y_train = x[: len(x) - n_val], y[: len(y) - n_val]',
      'optimizer = make_optimizer(model.parameters())',
      'history = []',
      `for epoch in range(${t.epochs}):`,
      '    model.train()',
      `    order = torch.randperm(len(x_train)) if ${t.shuffle ? 'True' : 'False'} else torch.arange(len(x_train))`,
      '    total = 0.0',
      `    for start in range(0, len(x_train), ${t.batchSize}):`,
      `        batch = order[start : start + ${t.batchSize}]`,
      '        optimizer.zero_grad()',
      '        loss = loss_fn(model(x_train[batch]), y_train[batch])',
      '        loss.backward()',
      '        optimizer.step()',
      '        total += loss.item() * len(batch)',
      '    history.append(total / len(x_train))  # the mean over samples, as Keras reports an epoch\'s loss',
      '    print(f"epoch {epoch + 1}: loss {history[-1]:.4f}")',
      'return history',
    ]),
    '',
    '',
    'if __name__ == "__main__":',
    ...indent(['model = build_model()', 'print(model)', 'train(model, *load_data())']),
  ];
}
