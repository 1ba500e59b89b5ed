/** Small ONNX graphs built node by node for import tests, and the assertion that an import is refused. */
import assert from 'node:assert/strict';
import { isUserError, type ModelFile } from '../../../src/core/types';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { importOnnx } from '../../../src/formats/onnx/import';
import { attr, onnx, type AttrValue } from '../../../src/formats/onnx/proto';
import { loadCases } from '../../onnx-backend/backend';

export type Dim = number | string;
const dim = (d: Dim) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d });
export const input = (name: string, dims: Dim[], elemType = 1) => ({ name, type: { tensorType: { elemType, shape: { dim: dims.map(dim) } } } });

/** One-node-at-a-time graphs: [opType, inputs, output, attributes]; the last node's output is the graph's. */
export function model(inputs: [string, Dim[]][], nodes: [string, string[], string, Record<string, AttrValue>?][], inits: onnx.ITensorProto[] = []): Uint8Array {
  return onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'g',
      input: inputs.map(([n, d]) => input(n, d)),
      initializer: inits,
      node: nodes.map(([opType, ins, out, attrs], i) => ({ name: `n${i}`, opType, input: ins, output: [out], attribute: Object.entries(attrs ?? {}).map(([k, v]) => attr(k, v)) })),
      output: [{ name: nodes[nodes.length - 1]![2], type: { tensorType: { elemType: 1 } } }],
    },
  }).finish();
}

/** The import throws a UserError whose message matches `re`. */
export const refused = (bytes: Uint8Array, re: RegExp) =>
  assert.throws(() => importOnnx(bytes, 'm.onnx'), (e: unknown) => isUserError(e) && re.test((e as Error).message));

/** The import of `bytes`, after checking that it predicts what ONNX Runtime computes on the file (1e-5). */
export async function importVerified(bytes: Uint8Array): Promise<ModelFile> {
  const m = importOnnx(bytes, 'm.onnx');
  const r = await verifyOnnxExport(m, bytes, { tolerance: 1e-5 });
  assert.ok(r.ok, r.text);
  return m;
}

/** torch's GLU file (backend suite) with its Split moved to the batch axis, which no Keras layer splits (along its own axis, Split imports): a file the import refuses, for the read-only viewer. */
export function gluOnBatchAxis(): Uint8Array {
  const m = onnx.ModelProto.decode(new Uint8Array(loadCases(/pytorch-converted\/test_GLU$/)[0]!.model!));
  const split = m.graph!.node!.find((n) => n.opType === 'Split')!;
  split.attribute = split.attribute!.map((a) => (a.name === 'axis' ? { ...a, i: 0 } : a));
  return onnx.ModelProto.encode(m).finish();
}
