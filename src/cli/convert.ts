/**
 * `model-studio convert IN OUT`: read any format we know, write the one OUT's name asks for. An ONNX result
 * is run in onnxruntime and compared with the tfjs prediction unless --no-verify is given.
 */
import { resolve } from 'node:path';
import { readFileSync } from 'node:fs';
import { readModel, writeModel } from '../formats/registry';
import { UserError } from '../core/types';
import { parse, out } from './io';

const USAGE = 'convert [--format ID] [--no-verify] [--nchw] IN OUT';

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, 'no-verify': { type: 'boolean' }, nchw: { type: 'boolean' } }, USAGE, [2, 2]);
  const [input, output] = positionals.map((p) => resolve(p));
  if (input === output) throw new UserError('IN and OUT are the same file', 'write the converted model to a new path');
  const toOnnx = values.format === 'onnx' || (values.format === undefined && output.toLowerCase().endsWith('.onnx'));
  // --nchw: ONNX image inputs declared channels-first (N, C, H, W), as PyTorch users feed them.
  if (values.nchw && !toOnnx) throw new UserError('--nchw applies to ONNX output only', 'write to a .onnx file, or leave out --nchw', 'usage');
  const model = await readModel(input);
  const written = await writeModel(output, model, values.format as never, { inputsNchw: values.nchw === true });
  out.stdout.write(`Wrote ${written.join(', ')}\n`);
  if (output.toLowerCase().endsWith('.onnx') && !values['no-verify']) {
    // Loaded lazily: verification needs tfjs and onnxruntime, which the other commands never load.
    const { verifyOnnxExport } = await import('../engine/tfjs/verify');
    const report = await verifyOnnxExport(model, new Uint8Array(readFileSync(output)), { inputsNchw: values.nchw === true });
    out.stdout.write(`${report.text}\n`);
    return report.ok ? 0 : 1;
  }
  return 0;
}
