/**
 * The ONNX format: `.onnx` ModelProto files. Export writes one file (opset 17 by default, 13+ on request);
 * import turns the operators Keras converters and PyTorch write back into Keras layers with weights.
 */
import { firstSignificantByte, type ModelFormat } from '../format';
import { exportOnnx } from './export';
import { importOnnx } from './import';
import { looksLikeModelProto } from './proto';

/** HDF5 (0x89 'HDF') and zip ('PK') files belong to the Keras formats, whatever their name says. */
const isHdf5OrZip = (b: Uint8Array) => (b[0] === 0x89 && b[1] === 0x48 && b[2] === 0x44 && b[3] === 0x46) || (b[0] === 0x50 && b[1] === 0x4b);

export const onnxFormat: ModelFormat = {
  id: 'onnx',
  label: 'ONNX (.onnx)',
  extensions: ['.onnx'],
  sniff(bytes, fileName) {
    if (looksLikeModelProto(bytes)) return true;
    // A file named .onnx that is not HDF5, zip or JSON is claimed, so that reading it says why it is not ONNX.
    if (!fileName.toLowerCase().endsWith('.onnx')) return false;
    return !isHdf5OrZip(bytes) && firstSignificantByte(bytes) !== 0x7b;
  },
  async read(main, ctx) {
    return importOnnx(main, ctx.fileName);
  },
  async write(model, _baseName, opts) {
    return [{ relPath: `${_baseName}.onnx`, bytes: exportOnnx(model, { opset: opts?.opset, inputsNchw: opts?.inputsNchw === true }) }];
  },
};
