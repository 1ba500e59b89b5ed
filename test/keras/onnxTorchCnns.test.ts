/**
 * Real CNNs as practitioners export them (issue 14): ResNet-18, MobileNetV2, SqueezeNet 1.1, AlexNet, a
 * DenseNet block and a ResNeXt block (grouped conv, then a strided dilated conv), written in plain PyTorch (torch_cnns.py) and exported with torch.onnx.export at opsets 13
 * and 17, with and without constant folding, and with the dynamo exporter (opset 18), batch fixed at 1. Each must import, predict what ONNX Runtime
 * predicts on the file (1e-4; `verify` takes the batch from the file), and export back to an ONNX file that
 * ONNX Runtime runs as TF.js does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyModelFile, verifyOnnxExport } from '../../src/engine/tfjs/verify';
import { exportOnnx } from '../../src/formats/onnx/export';
import { readModel } from '../../src/formats/registry';
import { tempDir } from '../helpers/paths';
import { runPython } from './python';

test('torch-exported ResNet-18, MobileNetV2, SqueezeNet 1.1, AlexNet, DenseNet block, ResNeXt block: import = ONNX Runtime, and export back', { timeout: 1_200_000 }, async () => {
  const files = runPython<string[]>('torch_cnns.py', { dir: tempDir('ms-cnn-') });
  assert.equal(files.length, 30);
  const failures: string[] = [];
  for (const file of files) {
    const name = file.slice(file.lastIndexOf('/') + 1);
    try {
      const r = await verifyModelFile(file);
      if (!r.ok) failures.push(`${name}: ${r.text}`);
      const model = await readModel(file);
      const back = await verifyOnnxExport(model, exportOnnx(model));
      if (!back.ok) failures.push(`${name} exported back: ${back.text}`);
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  assert.deepEqual(failures, []);
});
