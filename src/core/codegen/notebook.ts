/**
 * The model as a training notebook (`.ipynb`, nbformat 4): markdown that explains the model (its summary table,
 * parameter counts, training configuration), then a parameters cell, data loading, the model in one of Keras'
 * styles, our weights, compile, fit with a live plot of the curves, evaluate, and save to `.keras`.
 * The code is the Python script's (index.ts `kerasParts`), cut into cells; pure text, no Node, no tfjs.
 */
import { testDataLines, dataHelpers, dataImports } from './dataCode';
import { KERAS_STYLE_NAMES, kerasParts, type GeneratedCode } from './index';
import { compileLines, fitLines } from './kerasTraining';
import type { KerasStyle } from './kerasModel';
import { indent, pyNum, pyStr } from './python';
import { formatCount, formatShape } from '../summary';
import type { Analysis } from '../analysis';
import type { TrainingConfig } from '../training/config';
import { PRODUCT_VERSION } from '../version';
import type { ModelFile } from '../types';

interface Cell {
  cell_type: 'markdown' | 'code';
  id: string;
  metadata: Record<string, unknown>;
  source: string[];
  outputs?: unknown[];
  execution_count?: null;
}

/** nbformat stores a cell's text as lines that keep their newline (all but the last). */
const source = (lines: readonly string[]) => lines.map((l, i) => (i < lines.length - 1 ? `${l}\n` : l));

function markdown(lines: string[]): Omit<Cell, 'id'> {
  return { cell_type: 'markdown', metadata: {}, source: source(lines) };
}

function code(lines: string[], tags?: string[]): Omit<Cell, 'id'> {
  return { cell_type: 'code', metadata: tags ? { tags } : {}, source: source(lines), outputs: [], execution_count: null };
}

const mdCell = (s: string) => s.replace(/[|\\`*_]/g, (c) => `\\${c}`);

/** The model's layers as a markdown table (Keras' summary: layer, output shape, parameters) and its totals. */
export function summaryMarkdown(file: ModelFile, a: Analysis): string[] {
  const rows = a.order.map((name) => {
    const l = file.graph.layers.find((x) => x.name === name);
    const info = a.layers.get(name);
    const params = (info?.trainableParams ?? 0) + (info?.nonTrainableParams ?? 0);
    const shape = info?.outputShape ? formatShape(info.outputShape) : '?';
    return `| ${mdCell(name)} (${l?.className ?? '?'}) | \`${shape}\` | ${formatCount(params)} |`;
  });
  const { total, trainable, nonTrainable } = a.totals;
  return [
    '| Layer (type) | Output shape | Param # |',
    '| :-- | :-- | --: |',
    ...rows,
    '',
    `**${formatCount(total)} parameters**: ${formatCount(trainable)} trainable, ${formatCount(nonTrainable)} non-trainable.`,
  ];
}

function trainingMarkdown(t: TrainingConfig): string[] {
  return [
    '## Training configuration',
    '',
    `- dataset: ${t.dataset ? `\`${t.dataset}\`` : 'none (load your data in the Data cell)'}${t.target === 'input' ? ', the inputs as targets' : ''}`,
    `- optimizer: ${t.optimizer.name}, loss: ${t.loss}, metrics: ${t.metrics.length ? t.metrics.join(', ') : 'none'}`,
    `- batch size ${t.batchSize}, ${t.epochs} epochs${t.validationSplit > 0 ? `, the last ${t.validationSplit * 100} % of the samples held out for validation` : ''}`,
  ];
}

/** A Keras callback that redraws the loss and metric curves (and their val_ twins) in the cell's output. */
const LIVE_PLOT = [
  'class LivePlot(keras.callbacks.Callback):',
  '    """Redraws the loss and metric curves in this cell\'s output after every epoch."""',
  '',
  '    def on_train_begin(self, logs=None):',
  '        self.history = {}',
  '        self.handle = display("The curves appear after the first epoch.", display_id=True)',
  '',
  '    def on_epoch_end(self, epoch, logs=None):',
  '        for key, value in (logs or {}).items():',
  '            self.history.setdefault(key, []).append(float(value))',
  '        names = sorted((k for k in self.history if not k.startswith("val_") and k != "learning_rate"), key=lambda k: k != "loss")',
  '        fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.2), squeeze=False)',
  '        for ax, name in zip(axes[0], names):',
  '            for key in (name, "val_" + name):',
  '                if key in self.history:',
  '                    ax.plot(range(1, len(self.history[key]) + 1), self.history[key], marker=".", label=key)',
  '            ax.set_xlabel("epoch")',
  '            ax.xaxis.set_major_locator(MaxNLocator(integer=True))',
  '            ax.set_title(name)',
  '            ax.legend()',
  '        fig.tight_layout()',
  '        self.handle.update(fig)',
  '        plt.close(fig)',
];

function dataCell(batched: boolean, t: TrainingConfig): string[] {
  if (batched) {
    return ['data = load_data()', 'if SAMPLE_LIMIT:', `    data = data.take(-(-SAMPLE_LIMIT // ${t.batchSize}))  # whole batches of ${t.batchSize}`];
  }
  return [
    'x, y = load_data()',
    'if SAMPLE_LIMIT:',
    '    x, y = x[:SAMPLE_LIMIT], y[:SAMPLE_LIMIT]',
    'data = (x, y)',
    'print(f"x: {x.shape} {x.dtype}, y: {y.shape} {y.dtype}")',
  ];
}

/** The evaluate cells: the dataset's test split, else the validation samples Keras held out, else the training data. */
function evaluateCells(t: TrainingConfig, batched: boolean, test: string[] | undefined): Omit<Cell, 'id'>[] {
  if (test) {
    return [
      markdown(['## Evaluate', '', 'On the test split, which training never saw.']),
      code(['def load_test_data():', ...indent(test), '', '', 'x_test, y_test = load_test_data()', 'if SAMPLE_LIMIT:', '    x_test, y_test = x_test[:SAMPLE_LIMIT], y_test[:SAMPLE_LIMIT]', 'model.evaluate(x_test, y_test, return_dict=True)']),
    ];
  }
  if (!batched && t.validationSplit > 0) {
    return [
      markdown(['## Evaluate', '', "On the validation samples: Keras' `validation_split` holds out the last samples, before shuffling (keras/src/trainers/data_adapters/array_slicing.py `train_validation_split`)."]),
      code([`split_at = int(np.floor(len(x) * (1.0 - ${pyNum(t.validationSplit, true)})))`, 'model.evaluate(x[split_at:], y[split_at:], return_dict=True)']),
    ];
  }
  return [
    markdown(['## Evaluate', '', 'The dataset has no test split and no samples were held out: this evaluates on the training data.']),
    code([batched ? 'model.evaluate(data, return_dict=True)' : 'model.evaluate(x, y, return_dict=True)']),
  ];
}

/** The model as a notebook in `style`; `code` is the `.ipynb` JSON text. */
export function kerasNotebook(file: ModelFile, style: KerasStyle, modelPath?: string): GeneratedCode {
  const p = kerasParts(file, style, modelPath);
  const { analysis: a, training: t } = p;
  const g = file.graph;
  const from = modelPath ? ` from \`${modelPath.split(/[\\/]/).pop()}\`` : '';
  const output = `${g.name.replace(/[^A-Za-z0-9_.-]+/g, '_')}_trained.keras`;
  const test = testDataLines(t, a.layers.get(g.inputs[0])?.outputShape ?? [null], a.layers.get(g.outputs[0])?.outputShape ?? [null]);
  const cells: Omit<Cell, 'id'>[] = [
    markdown([
      `# ${mdCell(g.name)}`,
      '',
      `A training notebook generated by Model Studio ${PRODUCT_VERSION}${from}, with the model in Keras' ${KERAS_STYLE_NAMES[style]} style. It runs top to bottom with Keras 3 on any backend (set \`KERAS_BACKEND\` before starting the kernel) and matplotlib for the live plot.`,
      '',
      '## The model',
      '',
      ...summaryMarkdown(file, a),
      '',
      ...trainingMarkdown(t),
    ]),
    markdown(['## Parameters', '', 'Change these to try the notebook quickly: fewer epochs, or only the first `SAMPLE_LIMIT` samples (`None`: all of them).']),
    code([`EPOCHS = ${t.epochs}`, 'SAMPLE_LIMIT = None', `OUTPUT_FILE = ${pyStr(output)}  # the trained model, which Model Studio opens`], ['parameters']),
    code([...dataImports(t), 'import numpy as np', 'import keras', 'from keras import layers', 'import matplotlib.pyplot as plt', 'from matplotlib.ticker import MaxNLocator', 'from IPython.display import display', ...p.weightsConstant]),
    markdown(['## Data', '', 'Loaded the way Model Studio reads this dataset.']),
    code([...dataHelpers(t).slice(2), ...(dataHelpers(t).length ? ['', ''] : []), 'def load_data():', ...indent(p.data.lines), '', '', ...dataCell(p.data.batched, t)]),
    markdown(['## Model']),
    code([...(p.classLines.length ? [...p.classLines, '', ''] : []), 'def build_model():', ...indent(p.buildBody), '', '', 'model = build_model()', 'model.summary()']),
    ...(p.loadWeights.length ? [markdown(['## Our weights', '', 'The weights saved in Model Studio, copied layer by layer.']), code([...p.loadWeights, '', '', ...p.weightsCall])] : []),
    markdown(['## Compile']),
    code(['def compile_model(model):', ...indent(compileLines(t)), '', '', 'compile_model(model)']),
    markdown(['## Train', '', 'The loss and metric curves redraw after every epoch.']),
    code([...LIVE_PLOT, '', '', 'def train(model, data):', ...indent(fitLines(t, p.data.batched, { epochs: 'EPOCHS', callbacks: ['LivePlot(),'] })), '', '', 'history = train(model, data)']),
    ...evaluateCells(t, p.data.batched, test),
    markdown(['## Save', '', style === 'subclass' ? "A subclassed model's `.keras` file loads only where its class is defined (register it with `keras.saving.register_keras_serializable`); export the functional or Sequential style for a file Model Studio opens." : 'A `.keras` file that Keras and Model Studio open.']),
    code(['model.save(OUTPUT_FILE)', 'print(f"saved {OUTPUT_FILE}")']),
  ];
  const notebook = {
    cells: cells.map((c, i) => ({ id: `cell-${i + 1}`, ...c })),
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
      modelStudio: { version: PRODUCT_VERSION, style },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return { code: `${JSON.stringify(notebook, null, 1)}\n`, notes: p.notes };
}
