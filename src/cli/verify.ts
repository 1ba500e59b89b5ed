/**
 * `model-studio verify FILE`: run the model in ONNX Runtime and in TensorFlow.js on the same random inputs and
 * compare (an .onnx file against its import; any other model against its ONNX export). Exit 1 above tolerance.
 */
import { resolve } from 'node:path';
import { UserError } from '../core/types';
import { parse, out } from './io';

const USAGE = 'verify [--batch N] [--seed S] [--tolerance T] FILE';

function positive(v: string | undefined, name: string, int: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (int && !Number.isInteger(n))) {
    throw new UserError(`--${name} must be a positive ${int ? 'integer' : 'number'}, not "${v}"`, `usage: model-studio ${USAGE}`, 'usage');
  }
  return n;
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { batch: { type: 'string' }, seed: { type: 'string' }, tolerance: { type: 'string' } },
    USAGE,
    [1, 1],
  );
  // Loaded lazily: tfjs and onnxruntime are heavy.
  const { verifyModelFile } = await import('../engine/tfjs/verify');
  const report = await verifyModelFile(resolve(positionals[0]!), {
    batch: positive(values.batch, 'batch', true),
    seed: values.seed === undefined ? undefined : Math.trunc(Number(values.seed)) || 0,
    tolerance: positive(values.tolerance, 'tolerance', false),
  });
  out.stdout.write(`${report.text}\n`);
  return report.ok ? 0 : 1;
}
