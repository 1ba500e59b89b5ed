/**
 * Code generation: a model (graph, weights, training configuration) as a Python script in one of Keras'
 * three styles or PyTorch. Pure text from the core's data; the CLI (`model-studio code`) and the extension
 * ("Export as Python Code...") write or show what this returns.
 */
import { analyze, type Analysis } from '../analysis';
import { TFJS_DEPARTURE_CODE } from '../layers/tfjsSupport';
import { defaultTrainingConfig, trainingConfigOf, type TrainingConfig } from '../training/config';
import { PRODUCT_VERSION } from '../version';
import { UserError, type ModelFile, type Shape } from '../types';
import { dataHelpers, dataImports, dataLines, type DataCode } from './dataCode';
import { compileLines, fitLines } from './kerasTraining';
import { functionalBody, notSequentialReason, sequentialBody, subclassParts, type KerasStyle } from './kerasModel';
import { indent, pyStr } from './python';
import { torchScript } from './torchScript';

export type CodeStyle = KerasStyle | 'pytorch';
export const CODE_STYLES: readonly CodeStyle[] = ['sequential', 'functional', 'subclass', 'pytorch'];

export interface CodeOptions {
  style: CodeStyle;
  /** The model file as the script should name it (its weights are loaded from there). */
  modelPath?: string;
}

export interface GeneratedCode {
  code: string;
  /** What the user should know: layers left out, files to convert first. */
  notes: string[];
}

/** Refuses a model with errors, naming the layers that block it. */
export function checkExportable(file: ModelFile): Analysis {
  const a = analyze(file.graph);
  const errors = a.diagnostics.filter((d) => d.severity === 'error' && d.code !== TFJS_DEPARTURE_CODE);
  if (errors.length) {
    const list = errors.slice(0, 5).map((d) => (d.layer ? `layer "${d.layer}": ${d.message}` : d.message));
    const blocking = [...new Set(errors.map((d) => d.layer).filter(Boolean))];
    throw new UserError(
      `Cannot export code: the model has ${errors.length} problem${errors.length > 1 ? 's' : ''}${blocking.length ? ` (in ${blocking.map((b) => `"${b}"`).join(', ')})` : ''}: ${list.join('; ')}`,
      'Fix them first (the Problems panel, or `model-studio check MODEL` lists them).',
      'codegen-diagnostics',
    );
  }
  return a;
}

const isKerasFile = (p: string) => /\.(keras|h5|hdf5)$/i.test(p);

function weightLines(file: ModelFile, modelPath: string | undefined, notes: string[]): { constant: string[]; call: string[] } {
  if (!file.weights.length || !modelPath) return { constant: [], call: [] };
  let path = modelPath;
  if (!isKerasFile(modelPath)) {
    path = modelPath.replace(/(\.model)?\.(json|onnx)$/i, '') + '.keras';
    notes.push(`The weights are read from ${path}: write it first with \`model-studio convert ${modelPath} ${path}\`.`);
  }
  return {
    constant: ['', `WEIGHTS_FILE = ${pyStr(path)}  # the weights Model Studio saved`],
    call: ['load_weights(model)'],
  };
}

const LOAD_WEIGHTS = [
  'def load_weights(model, path=None):',
  '    """Copies the weights Model Studio saved into `model`, layer by layer, by name."""',
  '    saved = keras.saving.load_model(path or WEIGHTS_FILE, compile=False)',
  '    for layer in saved.layers:',
  '        if layer.weights:',
  '            target = model.get_layer(layer.name)',
  '            target.set_weights(layer.get_weights())',
  '            if isinstance(target, keras.layers.Normalization):',
  '                target.finalize_state()  # it computes from copies of its mean and variance',
];

function shapeOf(a: Analysis, name: string | undefined): Shape {
  return (name && a.layers.get(name)?.outputShape) || [null];
}

/** The pieces of a Keras script in `style`, shared by the script and the notebook. */
export interface KerasParts {
  analysis: Analysis;
  training: TrainingConfig;
  notes: string[];
  /** `WEIGHTS_FILE = ...` (empty when the model has no weights). */
  weightsConstant: string[];
  /** The subclass definition (subclass style only). */
  classLines: string[];
  buildBody: string[];
  /** `load_weights(model)` and its definition, when the model has weights. */
  weightsCall: string[];
  loadWeights: string[];
  data: DataCode;
}

export function kerasParts(file: ModelFile, style: KerasStyle, modelPath?: string): KerasParts {
  const a = checkExportable(file);
  const g = file.graph;
  if (style === 'sequential') {
    const why = notSequentialReason(g);
    if (why) throw new UserError(`"${g.name}" cannot be written as keras.Sequential: ${why}.`, 'Use the functional or subclass style (--style functional).', 'codegen-not-sequential');
  }
  const notes: string[] = [];
  const t = trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig();
  const sub = style === 'subclass' ? subclassParts(g) : undefined;
  const w = weightLines(file, modelPath, notes);
  return {
    analysis: a,
    training: t,
    notes,
    weightsConstant: w.constant,
    classLines: sub?.classLines ?? [],
    buildBody: style === 'sequential' ? sequentialBody(g) : style === 'functional' ? functionalBody(g) : sub!.body,
    weightsCall: w.call,
    loadWeights: w.call.length ? LOAD_WEIGHTS : [],
    data: dataLines(t, shapeOf(a, g.inputs[0]), shapeOf(a, g.outputs[0])),
  };
}

export const KERAS_STYLE_NAMES: Record<KerasStyle, string> = { sequential: 'Sequential', functional: 'functional API', subclass: 'subclassed keras.Model' };

/** The model as a Keras script in `style`. */
export function kerasScript(file: ModelFile, style: KerasStyle, modelPath?: string): GeneratedCode {
  const p = kerasParts(file, style, modelPath);
  const { analysis: a, training: t } = p;
  const lines = [
    '"""',
    `${file.graph.name}: ${KERAS_STYLE_NAMES[style]} code generated by Model Studio ${PRODUCT_VERSION}.`,
    '',
    `${a.totals.total.toLocaleString('en-US')} parameters (${a.totals.trainable.toLocaleString('en-US')} trainable). Run it with Keras 3 on any backend:`,
    '    KERAS_BACKEND=jax python this_file.py',
    '"""',
    ...dataImports(t),
    'import numpy as np',
    'import keras',
    'from keras import layers',
    ...p.weightsConstant,
    ...(p.classLines.length ? ['', '', ...p.classLines] : []),
    '',
    '',
    'def build_model():',
    ...indent(p.buildBody),
    ...(p.loadWeights.length ? ['', '', ...p.loadWeights] : []),
    ...dataHelpers(t),
    '',
    '',
    'def load_data():',
    ...indent(p.data.lines),
    '',
    '',
    'def compile_model(model):',
    ...indent(compileLines(t)),
    '',
    '',
    'def train(model, data):',
    ...indent(fitLines(t, p.data.batched)),
    '',
    '',
    'if __name__ == "__main__":',
    ...indent(['model = build_model()', ...p.weightsCall, 'model.summary()', 'compile_model(model)', 'history = train(model, load_data())']),
    '',
  ];
  return { code: lines.join('\n'), notes: p.notes };
}

/** The model as a PyTorch script; layers without a faithful equivalent are named in the notes. */
export function pytorchScript(file: ModelFile, modelPath?: string): GeneratedCode {
  const a = checkExportable(file);
  const notes: string[] = [];
  let weights: string | undefined;
  if (file.weights.length && modelPath) {
    weights = /\.json$/i.test(modelPath) ? modelPath : `${modelPath.replace(/\.(keras|h5|hdf5|onnx)$/i, '')}/model.json`;
    if (weights !== modelPath) notes.push(`The weights are read from ${weights}: write it first with \`model-studio convert ${modelPath} ${weights}\`.`);
  }
  const t = trainingConfigOf(file.userDefinedMetadata) ?? defaultTrainingConfig();
  const header = ['"""', `${file.graph.name}: PyTorch code generated by Model Studio ${PRODUCT_VERSION}, with Keras' semantics.`, '', `${a.totals.total.toLocaleString('en-US')} parameters. Tensors are channels-last, as in Keras.`, '"""'];
  const { code, unsupported, maskedOutput } = torchScript(file, a, t, weights, header);
  if (maskedOutput) notes.push(`The forward pass is Keras'; the training loop's loss raises NotImplementedError: ${maskedOutput}.`);
  if (unsupported.length) notes.push(`${unsupported.length} layer${unsupported.length > 1 ? 's have' : ' has'} no faithful PyTorch equivalent and raise NotImplementedError: ${unsupported.join('; ')}.`);
  return { code, notes };
}

export function generateCode(file: ModelFile, opts: CodeOptions): GeneratedCode {
  if (opts.style === 'pytorch') return pytorchScript(file, opts.modelPath);
  return kerasScript(file, opts.style, opts.modelPath);
}
