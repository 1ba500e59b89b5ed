/**
 * `model-studio convert IN OUT`: read any format we know, write the one OUT's name asks for. An ONNX result
 * is run in onnxruntime and compared with the tfjs prediction unless --no-verify is given; that check runs on
 * the bytes in memory, before anything is written, so a failed or crashed check never leaves a file behind
 * or replaces an existing one.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readModel, requireValidModel, writeModel, type BeforeWrite } from '../formats/registry';
import { UserError, type ModelFile } from '../core/types';
import { modelToExport, runsWithWeights, type WeightsSource } from '../extension/training/exportWeights';
import { parse, out } from './io';

const USAGE = 'convert [--format ID] [--no-verify] [--nchw] [--weights last|best|RUN_DIR [--workspace DIR]] IN OUT';

/**
 * --weights: the newest run's last or best weights (runs of IN's model under --workspace, default here), or
 * those of a run folder; written into IN's model, refused when they no longer fit its graph.
 */
async function withRunWeights(model: ModelFile, weights: string, workspace: string): Promise<ModelFile> {
  let source: WeightsSource | undefined;
  if (weights === 'last' || weights === 'best') {
    const run = runsWithWeights(workspace, model.graph.name)[0];
    const path = run?.[weights];
    if (!run || !path) {
      throw new UserError(`No run of ${model.graph.name} under ${workspace} has ${weights} weights.`, 'Train the model first, or pass --workspace DIR (the folder that holds .modelstudio/runs) or --weights RUN_DIR.', 'no-run');
    }
    source = { kind: 'run', runId: run.run.id, which: weights, path };
  } else {
    const dir = resolve(weights);
    const path = [join(dir, 'final', 'model.json'), join(dir, 'checkpoints', 'last', 'model.json'), dir].find((p) => p.endsWith('.json') && existsSync(p));
    if (!path) throw new UserError(`${weights} is not a run folder with weights (final/model.json).`, 'Pass last, best, or a run folder under .modelstudio/runs.', 'no-run');
    source = { kind: 'run', runId: dir, which: 'last', path };
  }
  out.stdout.write(`Weights: ${source.path}\n`);
  return modelToExport(model, source, readModel);
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, 'no-verify': { type: 'boolean' }, nchw: { type: 'boolean' }, weights: { type: 'string' }, workspace: { type: 'string' } },
    USAGE,
    [2, 2],
  );
  const [input, output] = positionals.map((p) => resolve(p));
  if (input === output) throw new UserError('IN and OUT are the same file', 'write the converted model to a new path');
  const toOnnx = values.format === 'onnx' || (values.format === undefined && output.toLowerCase().endsWith('.onnx'));
  // --nchw: ONNX image inputs declared channels-first (N, C, H, W), as PyTorch users feed them.
  if (values.nchw && !toOnnx) throw new UserError('--nchw applies to ONNX output only', 'write to a .onnx file, or leave out --nchw', 'usage');
  const read = await readModel(input);
  requireValidModel(read, positionals[0]!);
  const model = values.weights ? await withRunWeights(read, values.weights, resolve(values.workspace ?? process.cwd())) : read;
  const inputsNchw = values.nchw === true;
  let report: string | undefined;
  const verify: BeforeWrite | undefined =
    toOnnx && !values['no-verify']
      ? async (files) => {
          // Loaded lazily: verification needs tfjs and onnxruntime, which the other commands never load.
          const { verifyOnnxExport } = await import('../engine/tfjs/verify');
          let r;
          try {
            r = await verifyOnnxExport(model, files[0]!.bytes, { inputsNchw });
          } catch (e) {
            if (e instanceof UserError) throw e;
            throw new UserError(
              `ONNX Runtime could not run the export of ${positionals[0]} (${String((e as Error).message).split('\n')[0]!.slice(0, 300)}); ${positionals[1]} was not written`,
              'this is a bug in the ONNX export; report it with the model file (--no-verify writes the file unchecked)',
              'verify-failed',
            );
          }
          if (!r.ok) {
            out.stdout.write(`${r.text}\n`);
            throw new UserError(
              `The ONNX export of ${positionals[0]} does not compute what the model computes; ${positionals[1]} was not written`,
              'report this with the model file; --no-verify writes the file without the check',
              'verify-failed',
            );
          }
          report = r.text;
        }
      : undefined;
  const written = await writeModel(output, model, values.format as never, { inputsNchw }, verify);
  out.stdout.write(`Wrote ${written.join(', ')}\n`);
  if (report) out.stdout.write(`${report}\n`);
  return 0;
}
