/**
 * ONNX ModelProto -> ModelFile: the graphs keras2onnx, tf2onnx, torch.onnx.export and our own exporter write
 * for the operators the catalog can express, turned back into Keras layers with weights.
 *
 * Every ONNX tensor is tracked as a view of a Keras tensor: `axes[i]` says which axis of the Keras layer's
 * output ONNX axis i is, or 'u' for an inserted axis of size 1. Transposes, Squeeze/Unsqueeze and the
 * reshapes that only add or drop size-1 axes therefore create no layers, so the Transpose pairs converters
 * put around Conv (NHWC -> NCHW -> NHWC) fold back into a plain channels-last Keras graph; a Permute or
 * Reshape layer is only added where the data really is reordered.
 *
 * NCHW graphs as torch.onnx.export writes them (no Transposes) come in as a channels-first InputLayer and
 * one Permute to channels-last, shared by every layer reading it: the Keras layers stay channels_last,
 * which is what Model Studio's ONNX export and TF.js' backends all run. A Flatten of NCHW data gets a Permute
 * back first, so features come out in torch's (C, H, W) order.
 *
 * Multi-node patterns (gelu, swish, mish, Dot, decomposed LayerNormalization, bidirectional and reverse
 * RNN outputs, separable convolutions) are folded first by `foldPatterns` (patterns.ts). Files we
 * export name each node's Keras class in its doc string; that only chooses between spellings of the same
 * computation (a ReLU layer or Activation('relu'); fused or separate activations follow node scopes).
 *
 * Each operator has one importer, in the module of its layer family beside this file; an operator without
 * one is reported, with every other problem of the file, in one UserError: a RefusedGraphError carrying
 * the file's graph with each node's verdict (viewer.ts), so the editor can show it read-only.
 */
import type { ModelFile } from '../../../core/types';
import { decodeModel } from '../proto';
import { activationImporters } from './activations';
import { attentionImporters } from './attention';
import { convolutionImporters } from './convolution';
import { groupNormalizationImporters } from './groupNormalization';
import { coreImporters } from './core';
import { Importer, type OpImporter } from './importer';
import { matrixImporters } from './matrix';
import { mergeImporters } from './merge';
import { normalizationImporters } from './normalization';
import { operationImporters } from './operations';
import { poolingImporters } from './pooling';
import { recurrentImporters } from './recurrent';
import { reshapingImporters } from './reshaping';
import { rmsNormalizationImporters } from './rmsNormalization';
import { scalingImporters } from './scaling';
import { withConstantFolding } from './shapes';
import { validateOnnx } from './validate';
import { withViewerGraph } from './viewer';

/** The operator importers, one family module each: an operator is importable exactly when it is here. */
const OPS = new Map<string, OpImporter>(
  Object.entries(withConstantFolding({
    ...coreImporters,
    ...activationImporters,
    ...convolutionImporters,
    ...poolingImporters,
    ...normalizationImporters,
    ...groupNormalizationImporters,
    ...rmsNormalizationImporters,
    ...matrixImporters,
    ...mergeImporters,
    ...reshapingImporters,
    ...recurrentImporters,
    ...scalingImporters,
    ...attentionImporters,
    // After the families: Exp, ReduceMean and ReduceMax defer to the activation and global pooling importers.
    ...operationImporters,
  })),
);

export function importOnnx(bytes: Uint8Array, fileName: string): ModelFile {
  const model = decodeModel(bytes, fileName);
  validateOnnx(model, fileName);
  const imp = new Importer(model, fileName, OPS);
  try {
    return imp.run();
  } catch (e) {
    // A refusal for operators still has a graph to show: the editor opens it read-only.
    throw withViewerGraph(e, model, fileName, imp, OPS);
  }
}
