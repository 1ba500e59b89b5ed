/**
 * Configure Training: a short sequence of pickers and input boxes (dataset, optimizer, learning rate, loss,
 * metrics, epochs, batch size, validation split, early stopping) that edits a TrainingConfig. Escape at any
 * step cancels and changes nothing.
 */
import * as vscode from 'vscode';
import { OPTIMIZER_DEFAULTS, type OptimizerName, type TrainingConfig } from '../../core/training';
import type { JsonObject } from '../../core/types';

const DATASETS = ['xor', 'linear', 'mnist', 'fashion-mnist', 'csv:', 'npz:', 'npy:', 'images:', 'text:'];
const LOSSES = ['mean_squared_error', 'mean_absolute_error', 'huber', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'];
const METRICS = ['accuracy', 'mae', 'mse'];

async function pick(title: string, items: string[], current: string, step: number, total: number): Promise<string | undefined> {
  const r = await vscode.window.showQuickPick(
    items.map((label) => ({ label, description: label === current ? 'current' : undefined })),
    { title: `${title} (${step}/${total})`, placeHolder: current, ignoreFocusOut: true },
  );
  return r?.label;
}

async function number(title: string, value: number, step: number, total: number, check: (n: number) => string | undefined): Promise<number | undefined> {
  const r = await vscode.window.showInputBox({
    title: `${title} (${step}/${total})`,
    value: String(value),
    ignoreFocusOut: true,
    validateInput: (t) => (t.trim() === '' || !Number.isFinite(Number(t)) ? 'Enter a number.' : check(Number(t))),
  });
  return r === undefined ? undefined : Number(r);
}

/** Ask for every setting; resolves to the new config, or undefined when the user cancelled. */
export async function configureTraining(current: TrainingConfig): Promise<TrainingConfig | undefined> {
  const total = 9;
  let dataset = await pick('Dataset', DATASETS, current.dataset ?? '', 1, total);
  if (dataset === undefined) return undefined;
  if (dataset.endsWith(':')) {
    const path = await vscode.window.showInputBox({
      title: `Dataset: ${dataset}PATH (1/${total})`,
      value: current.dataset?.startsWith(dataset) ? current.dataset.slice(dataset.length) : '',
      prompt: 'A path relative to the model file, e.g. data/train.csv (csv: options after ?label=COLUMN)',
      ignoreFocusOut: true,
      validateInput: (t) => (t.trim() ? undefined : 'Enter a path.'),
    });
    if (path === undefined) return undefined;
    dataset += path.trim();
  }
  const optName = (await pick('Optimizer', Object.keys(OPTIMIZER_DEFAULTS), current.optimizer.name, 2, total)) as OptimizerName | undefined;
  if (!optName) return undefined;
  const params = { ...OPTIMIZER_DEFAULTS[optName], ...(optName === current.optimizer.name ? current.optimizer.params : {}) };
  const lr = await number('Learning rate', Number(params.learning_rate), 3, total, (n) => (n > 0 && n < 10 ? undefined : 'Between 0 and 10.'));
  if (lr === undefined) return undefined;
  params.learning_rate = lr;
  if (optName === 'sgd' || optName === 'rmsprop') {
    const m = await number('Momentum', Number(params.momentum ?? 0), 3, total, (n) => (n >= 0 && n < 1 ? undefined : 'At least 0 and below 1.'));
    if (m === undefined) return undefined;
    params.momentum = m;
  }
  const loss = await pick('Loss', LOSSES, current.loss, 4, total);
  if (!loss) return undefined;
  const metrics = await vscode.window.showQuickPick(
    METRICS.map((label) => ({ label, picked: current.metrics.includes(label) })),
    { title: `Metrics (5/${total})`, canPickMany: true, ignoreFocusOut: true },
  );
  if (!metrics) return undefined;
  const epochs = await number('Epochs', current.epochs, 6, total, (n) => (Number.isInteger(n) && n >= 1 ? undefined : 'A whole number, 1 or more.'));
  if (epochs === undefined) return undefined;
  const batchSize = await number('Batch size', current.batchSize, 7, total, (n) => (Number.isInteger(n) && n >= 1 ? undefined : 'A whole number, 1 or more.'));
  if (batchSize === undefined) return undefined;
  const validationSplit = await number('Validation split (fraction held out)', current.validationSplit, 8, total, (n) => (n >= 0 && n < 1 ? undefined : 'At least 0 and below 1.'));
  if (validationSplit === undefined) return undefined;
  const es = (current.callbacks ?? []).find((c) => c.class_name === 'EarlyStopping');
  const patience = await number('Early stopping patience in epochs (0 = off)', Number((es?.config as JsonObject | undefined)?.patience ?? 0), 9, total, (n) =>
    Number.isInteger(n) && n >= 0 ? undefined : 'A whole number, 0 or more.',
  );
  if (patience === undefined) return undefined;
  const callbacks = (current.callbacks ?? []).filter((c) => c.class_name !== 'EarlyStopping');
  if (patience > 0) {
    callbacks.push({ class_name: 'EarlyStopping', config: { monitor: validationSplit > 0 ? 'val_loss' : 'loss', patience, restore_best_weights: true } });
  }
  return {
    ...current,
    dataset,
    optimizer: { name: optName, params },
    loss,
    metrics: metrics.map((m) => m.label),
    epochs,
    batchSize,
    validationSplit,
    callbacks,
  };
}
