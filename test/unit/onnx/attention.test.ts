/**
 * ONNX Attention (opset 23) as Keras' DotProductAttention (import/attention.ts, export/attentionOps.ts): 4-D and
 * 3-D Q/K/V, scale, is_causal, grouped-query heads and a rank-4 float mask import and predict what ONNX Runtime
 * computes; what Keras' dot_product_attention does not compute is refused with the reason; the operation exports
 * to ONNX (opsets 13 and 17) and runs in ONNX Runtime as TF.js runs it; a .keras file holds it as Keras 3.15
 * records it (scale and bias as call keywords) and reads back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import type { Json, JsonObject, ModelFile } from '../../../src/core/types';
import { analyze } from '../../../src/core/analysis';
import { verifyOnnxExport } from '../../../src/engine/tfjs/verify';
import { exportOnnx } from '../../../src/formats/onnx/export';
import { onnx, type AttrValue } from '../../../src/formats/onnx/proto';
import { readModel, writeModel } from '../../../src/formats/registry';
import { tempDir } from '../formats/helpers';
import { importVerified, input, model, refused, type Dim } from './nodeGraphs';

const DT = onnx.TensorProto.DataType;

/** One Attention node at opset 23 on inputs of the given shapes and element types; `outs` its outputs. */
function attention(inputs: [string, Dim[], number?][], attrs: Record<string, AttrValue> = {}, outs: string[] = ['y']): Uint8Array {
  const proto = onnx.ModelProto.decode(model(inputs.map(([n, d]) => [n, d]), [['Attention', inputs.map(([n]) => n), 'y', attrs]]));
  proto.irVersion = 10;
  proto.opsetImport = [{ domain: '', version: 23 }];
  proto.graph!.input = inputs.map(([n, d, t]) => input(n, d, t ?? DT.FLOAT));
  proto.graph!.node![0]!.output = outs;
  return onnx.ModelProto.encode(proto).finish();
}

test('4-D Attention with grouped-query heads, scale, is_causal and a rank-4 float mask is DotProductAttention and computes what ONNX Runtime does', async () => {
  const bytes = attention([['q', ['N', 4, 5, 3]], ['k', ['N', 2, 6, 3]], ['v', ['N', 2, 6, 3]], ['mask', ['N', 1, 5, 6]]], { is_causal: 1, scale: { float: 0.4 } });
  const m = await importVerified(bytes);
  const op = m.graph.layers.find((l) => l.className === 'DotProductAttention')!;
  assert.deepEqual([op.config.is_causal, op.config.scale, op.inbound.length], [true, Math.fround(0.4), 4]);
  // Q, K and V are seen in Keras' (batch, steps, heads, depth) order: a Permute each, then one back at the output.
  assert.deepEqual(m.graph.layers.map((l) => l.className).filter((c) => c !== 'InputLayer'), ['Permute', 'Permute', 'Permute', 'DotProductAttention', 'Permute']);
});

test('3-D Attention splits the features into q_num_heads / kv_num_heads with a Reshape and merges them back', async () => {
  const m = await importVerified(attention([['q', ['N', 4, 12]], ['k', ['N', 3, 6]], ['v', ['N', 3, 6]]], { q_num_heads: 4, kv_num_heads: 2 }));
  assert.deepEqual(m.graph.layers.map((l) => l.className).filter((c) => c !== 'InputLayer'), ['Reshape', 'Reshape', 'Reshape', 'DotProductAttention', 'Reshape']);
  assert.deepEqual(analyze(m.graph).layers.get(m.graph.outputs[0]!)?.outputShape, [null, 4, 12]);
});

test('what keras.ops.dot_product_attention does not compute is refused with the reason, nothing imported', () => {
  const qkv: [string, Dim[], number?][] = [['q', [2, 3, 4, 8]], ['k', [2, 3, 6, 8]], ['v', [2, 3, 6, 8]]];
  refused(attention([...qkv, ['m', [2, 3, 4, 6]], ['pk', [2, 3, 2, 8]], ['pv', [2, 3, 2, 8]]], {}, ['y', 'pk2', 'pv2']), /Attention n0: past_key \/ past_value and present outputs \(a KV cache\)/);
  refused(attention(qkv, {}, ['y', '', '', 'qk']), /Attention n0: qk_matmul_output/);
  refused(attention(qkv, { softcap: { float: 2 } }), /Attention n0: softcap: Keras caps the logits another way/);
  refused(attention([...qkv, ['m', [2, 3, 4, 6], DT.BOOL]]), /Attention n0: a boolean attn_mask: where every key of a query is masked ONNX gives zeros/);
  refused(attention([...qkv, ['m', [4, 6]]]), /Attention n0: an attn_mask of rank 2 has no batch axis/);
  refused(attention([...qkv, ['m', [1, 3, 4, 6]]]), /Attention n0: an attn_mask of another batch size than the query's/);
  refused(attention(qkv.map(([n, d]) => [n, d, DT.FLOAT16])), /Attention n0: float16 inputs/);
  refused(attention([['q', [2, 3, 4, 8]], ['k', [2, 3, 6, 8]], ['v', [2, 3, 6, 10]]]), /Attention n0: value depth 10 differs from key depth 8 \(Keras takes one depth\)/);
  // Malformed nodes: 3-D inputs without the head counts, inputs of another rank.
  refused(attention([['q', [2, 4, 12]], ['k', [2, 3, 6]], ['v', [2, 3, 6]]]), /Attention n0: query of 12 features in unknown heads/);
  refused(attention([['q', [2, 4, 3, 2, 8]], ['k', [2, 3, 6, 8]], ['v', [2, 3, 6, 8]]]), /Attention n0: inputs of rank 5 \(3 or 4\)/);
});

/** q (2 heads), k and v (1 head, grouped), a bias: DotProductAttention on (batch, steps, heads, depth) inputs. */
function attentionModel(config: JsonObject, bias = true): ModelFile {
  const inp = (name: string, shape: (number | null)[]) => ({ name, className: 'InputLayer', config: { batch_input_shape: shape }, inbound: [] });
  const names = ['q', 'k', 'v', ...(bias ? ['b'] : [])];
  return {
    graph: {
      name: 'dpa',
      kind: 'Functional',
      layers: [inp('q', [null, 4, 2, 3]), inp('k', [null, 5, 1, 3]), inp('v', [null, 5, 1, 3]), ...(bias ? [inp('b', [null, 2, 4, 5])] : []), { name: 'att', className: 'DotProductAttention', config, inbound: names }],
      inputs: names,
      outputs: ['att'],
    },
    weights: [],
  };
}

test('DotProductAttention exports to ONNX (opsets 13 and 17) and runs in ONNX Runtime as TF.js runs it', async () => {
  for (const [opset, config] of [[13, { is_causal: true, scale: 0.7 }], [17, {}]] as const) {
    const file = attentionModel(config);
    const r = await verifyOnnxExport(file, exportOnnx(file, { opset }), { tolerance: 1e-5 });
    assert.ok(r.ok, r.text);
  }
});

test('DotProductAttention is written as Keras 3.15 records it (query, key, value as args; bias and scale as kwargs) and reads back', async (t) => {
  const file = path.join(tempDir(t), 'dpa.keras');
  await writeModel(file, attentionModel({ is_causal: true, scale: 0.25 }));
  const config = JSON.parse(strFromU8(unzipSync(new Uint8Array(readFileSync(file)))['config.json']!)) as JsonObject;
  const entry = ((config.config as JsonObject).layers as JsonObject[]).find((l) => l.name === 'att')!;
  assert.deepEqual([entry.module, entry.class_name, entry.registered_name, entry.config], ['keras.src.ops.nn', 'DotProductAttention', 'DotProductAttention', { name: 'att', is_causal: true, flash_attention: null, attn_logits_soft_cap: null }]);
  const node = (entry.inbound_nodes as JsonObject[])[0]!;
  const history = (a: Json) => (((a as JsonObject).config as JsonObject).keras_history as Json[])[0];
  assert.deepEqual((node.args as Json[]).map(history), ['q', 'k', 'v']);
  const kwargs = node.kwargs as JsonObject;
  assert.deepEqual([history(kwargs.bias!), kwargs.scale], ['b', 0.25]);
  const back = await readModel(file);
  const att = back.graph.layers.find((l) => l.name === 'att')!;
  assert.deepEqual([att.inbound, att.config.scale, att.config.is_causal], [['q', 'k', 'v', 'b'], 0.25, true]);
});

test('DotProductAttention of shapes Keras refuses is an error on the layer', () => {
  const diag = (file: ModelFile) => analyze(file.graph).diagnostics.filter((d) => d.layer === 'att').map((d) => d.message).join('; ');
  const bad = attentionModel({}, false);
  for (const i of [1, 2]) bad.graph.layers[i]!.config = { batch_input_shape: [null, 5, 1, 4] };
  assert.match(String(diag(bad)), /query depth 3 and key depth 4 differ/);
  assert.match(String(diag(attentionModel({ attn_logits_soft_cap: 5 }))), /attn_logits_soft_cap is set/);
});
