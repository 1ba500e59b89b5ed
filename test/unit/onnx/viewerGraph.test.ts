/**
 * The read-only view of ONNX files whose import is refused: real refused files of the vendored ONNX backend
 * suite, small graphs of operators no Keras layer computes (Acos, Asin) and a long chain behind one. Every node is listed with the importer's verdict; a
 * node refused only because one upstream was "depends on" it, and the message (editor and CLI) gives the
 * root causes then a count, never the cascade.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isUserError } from '../../../src/core/types';
import { isViewerGraph, reasonText, RefusedGraphError, refusedNodes, rootCauses, viewerDiagnostics, type ViewerGraph } from '../../../src/core/viewerGraph';
import { importOnnx } from '../../../src/formats/onnx/import';
import { onnx } from '../../../src/formats/onnx/proto';
import { cliRefuses } from '../../helpers/assertions';
import { runCli } from '../../helpers/cli';
import { tempDir } from '../../helpers/paths';
import { gluOnBatchAxis, model } from './nodeGraphs';

function refusal(bytes: Uint8Array): RefusedGraphError {
  try {
    importOnnx(bytes, 'model.onnx');
  } catch (e) {
    assert.ok(e instanceof RefusedGraphError, `a refusal with a graph, not ${String(e)}`);
    assert.ok(isViewerGraph(e.viewer), 'the graph passes the protocol guard');
    return e;
  }
  assert.fail('the import was not refused');
}

const byId = (v: ViewerGraph, id: string) => v.nodes.find((n) => n.id === id)!;

test('GLU (torch) split along the batch axis: Split is refused; Sigmoid and Mul after it depend on it', () => {
  const e = refusal(gluOnBatchAxis());
  const v = e.viewer;
  assert.deepEqual(v.nodes.map((n) => [n.op, n.state]), [['Split', 'unsupported'], ['Sigmoid', 'depends'], ['Mul', 'depends']]);
  assert.deepEqual(byId(v, 'Split_0').outputs, ['1', '2']);
  assert.deepEqual(byId(v, 'Split_0').attributes, ['axis=0']);
  const why = 'Split 1: along the batch axis (each sample keeps all its values)';
  assert.equal(byId(v, 'Split_0').reason, why);
  assert.deepEqual(byId(v, 'Mul_2').dependsOn, ['Split_0']);
  assert.equal(byId(v, 'Mul_2').reason, 'depends on Split');
  // Shapes the file declares: the input and the output.
  assert.deepEqual(v.inputs, [{ name: '0', shape: [5, 6] }]);
  assert.deepEqual(byId(v, 'Mul_2').shapes, [[5, 3]]);
  assert.deepEqual(rootCauses(v), [why]);
  assert.ok(e.message.endsWith(`cannot turn into Keras layers: ${why} (and 2 more)`), e.message);
  assert.doesNotMatch(e.message, /not a tensor/);
});

/** An ONNX model of these nodes on a float input x [N, 4] and output y (the operators Acos and Asin no Keras layer computes). */
function graphOf(node: onnx.INodeProto[], extra: Partial<onnx.IGraphProto> = {}): Uint8Array {
  const io = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } } });
  const graph = { name: 'g', node, input: [io('x')], output: [io('y')], ...extra };
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 17 }], graph }).finish();
}

test('a Constant is imported, the unsupported node is the one root cause, the nodes after it depend on it', () => {
  const value = { dims: [4], dataType: 1, floatData: [1, 1, 1, 1] };
  const bytes = graphOf([
    { name: 'Acos_0', opType: 'Acos', input: ['x'], output: ['a'] },
    { name: 'Constant_1', opType: 'Constant', output: ['c'], attribute: [{ name: 'value', type: 4, t: value }] },
    { name: 'Add_2', opType: 'Add', input: ['a', 'c'], output: ['b'], attribute: [{ name: 'broadcast', type: 2, i: 1 }] },
    { name: 'Div_3', opType: 'Div', input: ['b', 'a'], output: ['y'] },
  ]);
  const v = refusal(bytes).viewer;
  assert.deepEqual(v.nodes.map((n) => [n.op, n.state]), [['Acos', 'unsupported'], ['Constant', 'ok'], ['Add', 'depends'], ['Div', 'depends']]);
  assert.equal(byId(v, 'Constant_1').reason, undefined);
  assert.deepEqual(byId(v, 'Add_2').attributes, ['broadcast=1']);
  assert.deepEqual(refusedNodes(v).map((n) => n.op), ['Acos', 'Add', 'Div']);
});

test('two own causes on one path: both are roots, the nodes between depend on the first', () => {
  const e = refusal(graphOf([
    { name: 'Acos_0', opType: 'Acos', input: ['x'], output: ['a'] },
    { name: 'Relu_1', opType: 'Relu', input: ['a'], output: ['b'] },
    { name: 'Relu_2', opType: 'Relu', input: ['b'], output: ['c'] },
    { name: 'Asin_3', opType: 'Asin', input: ['c'], output: ['y'] },
  ]));
  const v = e.viewer;
  assert.deepEqual(v.nodes.map((n) => n.state), ['unsupported', 'depends', 'depends', 'unsupported']);
  assert.deepEqual(rootCauses(v), ['Acos (Acos_0): no Keras layer computes this ONNX operator', 'Asin (Asin_3): no Keras layer computes this ONNX operator']);
  assert.match(e.message, /: Acos \(Acos_0\): no Keras layer computes this ONNX operator; Asin \(Asin_3\): no Keras layer computes this ONNX operator \(and 2 more\)$/);
  // The list's reason column without the op and name its own columns show.
  assert.equal(reasonText(v.nodes[0]!), 'no Keras layer computes this ONNX operator');
  // The Problems panel: one error per root cause (a link to its node), the two nodes between as one line.
  assert.deepEqual(
    viewerDiagnostics(v).map((d) => [d.severity, d.layer, d.message]),
    [
      ['error', 'Acos_0', 'Acos: no Keras layer computes this ONNX operator'],
      ['error', 'Asin_3', 'Asin: no Keras layer computes this ONNX operator'],
      ['info', undefined, '2 more nodes only depend on these'],
    ],
  );
});

test('an input of rank 0 (a scalar) is a graph problem; the node reading it depends on the input', () => {
  const v = refusal(model([['s', []]], [['Relu', ['s'], 'y']])).viewer;
  assert.deepEqual(v.graphProblems, ['input s has rank 0 (a scalar: Keras inputs have a batch axis)']);
  assert.equal(v.nodes[0]!.state, 'depends');
  assert.equal(v.nodes[0]!.reason, 'depends on input s');
  assert.deepEqual(v.nodes[0]!.dependsOn, []);
});

/** x -> Acos -> 12 x Relu -> y: one unsupported node, twelve that only follow it. */
function longChain(): Uint8Array {
  const relus = Array.from({ length: 12 }, (_, i) => ({ name: `relu_${i}`, opType: 'Relu', input: [i ? `r${i - 1}` : 'a'], output: [i === 11 ? 'y' : `r${i}`] }));
  const io = (name: string) => ({ name, type: { tensorType: { elemType: 1, shape: { dim: [{ dimParam: 'N' }, { dimValue: 4 }] } } } });
  const graph = { name: 'chain', node: [{ name: 'acos', opType: 'Acos', input: ['x'], output: ['a'] }, ...relus], input: [io('x')], output: [io('y')] };
  return onnx.ModelProto.encode({ irVersion: 8, opsetImport: [{ version: 17 }], graph }).finish();
}

test('a long chain after one unsupported node: one root cause and a count, never the cascade', () => {
  const e = refusal(longChain());
  assert.equal(refusedNodes(e.viewer).length, 13);
  assert.ok(e.viewer.nodes.slice(1).every((n) => n.state === 'depends' && n.reason === 'depends on Acos acos'));
  assert.equal(e.message, 'model.onnx uses ONNX operators Model Studio cannot turn into Keras layers: Acos (acos): no Keras layer computes this ONNX operator (and 12 more)');
});

test('CLI summary of a refused file prints the root cause then the count; nothing is written', async () => {
  const dir = tempDir();
  const file = join(dir, 'chain.onnx');
  writeFileSync(file, longChain());
  await cliRefuses(runCli(['summary', file]).then((r) => ({ ...r, dir })), /chain\.onnx uses ONNX operators Model Studio cannot turn into Keras layers: Acos \(acos\): no Keras layer computes this ONNX operator \(and 12 more\)/, /Model Studio imports Dense/);
  const { stderr } = await runCli(['summary', file]);
  assert.doesNotMatch(stderr, /not a tensor|Relu/);
  assert.deepEqual(readdirSync(dir), ['chain.onnx']);
});

test('a damaged file is still a plain clear error (no graph to show), and nothing is written', async () => {
  const bytes = longChain().subarray(0, 60);
  assert.throws(
    () => importOnnx(bytes, 'cut.onnx'),
    (e: unknown) => isUserError(e) && !(e instanceof RefusedGraphError) && e.code === 'onnx-invalid' && /cut\.onnx is not a valid ONNX file/.test(e.message),
  );
  const dir = tempDir();
  const file = join(dir, 'cut.onnx');
  writeFileSync(file, bytes);
  await cliRefuses(runCli(['summary', file]).then((r) => ({ ...r, dir })), /cut\.onnx is not a valid ONNX file/, /damaged, truncated or not an ONNX model/);
  assert.deepEqual(readdirSync(dir), ['cut.onnx']);
  assert.equal(existsSync(join(dir, 'cut.keras')), false);
});
