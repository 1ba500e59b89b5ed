/**
 * The ONNX format: `.onnx` ModelProto files. Export writes one file (opset 17 by default, 13+ on request);
 * import turns the operators Keras converters and PyTorch write back into Keras layers with weights.
 */
import type { FormatCodec } from '../format';
import { exportOnnx } from './export';
import { importOnnx } from './import';

export const onnxCodec: FormatCodec = {
  async read(main, ctx) {
    return importOnnx(main, ctx.fileName);
  },
  async write(model, baseName, opts) {
    return [{ relPath: `${baseName}.onnx`, bytes: exportOnnx(model, { opset: opts?.opset, inputsNchw: opts?.inputsNchw === true }) }];
  },
};
