/**
 * ONNX Attention (opset 23) as the Keras operation DotProductAttention (keras.ops.dot_product_attention), where
 * the two compute the same: 4-D (batch, heads, steps, depth) inputs seen as Keras' (batch, steps, heads, depth)
 * (a view, no layer until an output needs it), 3-D (batch, steps, heads * depth) ones reshaped by
 * q_num_heads / kv_num_heads; `scale`, `is_causal` (both top-left aligned), grouped-query heads and a float
 * attn_mask given as a graph input (Keras' bias, added to the logits). Refused with the reason: a KV cache
 * (past_key / past_value, present outputs), nonpad_kv_seqlen, the qk_matmul_output, softcap, a boolean mask
 * (ONNX gives zeros for a query whose keys are all masked, Keras their mean), a value depth other than the
 * key's, and float16 inputs (ONNX rounds in float16, Keras layers compute in float32 here).
 */
import { DT, type Attrs, type onnx } from '../proto';
import { Skip, type Importer, type KT, type OpImporters } from './importer';

const PERM_4D = [0, 2, 1, 3];

/** Q, K or V as a Keras (batch, steps, heads, depth) tensor. */
function asKeras(imp: Importer, t: KT, heads: number, hint: string, what: string): string {
  if (t.axes.length === 4) return imp.viewAs(t, PERM_4D, `${hint}_${what}`);
  const [, steps, hidden] = imp.onnxShape(t);
  if (!heads || hidden === null || hidden === undefined || hidden % heads !== 0) throw new Skip(`Attention ${hint}: ${what} of ${hidden ?? 'unknown'} features in ${heads || 'unknown'} heads`);
  return imp.addLayer('Reshape', { target_shape: [steps ?? -1, heads, hidden / heads] }, [imp.plain(t, hint)], `${hint}_${what}_heads`);
}

/** Why Keras' dot_product_attention cannot compute this node, or undefined when it can. */
function refusal(imp: Importer, n: onnx.INodeProto, a: Attrs): string | undefined {
  const ins = n.input ?? [];
  const outs = n.output ?? [];
  if (ins[4] || ins[5] || outs[1] || outs[2]) return 'past_key / past_value and present outputs (a KV cache), which keras.ops.dot_product_attention has no place for';
  if (ins[6]) return 'nonpad_kv_seqlen (padded keys per batch row)';
  if (outs[3]) return 'qk_matmul_output, which keras.ops.dot_product_attention does not return';
  if (a.float('softcap', 0) !== 0) return 'softcap: Keras caps the logits another way, and only in flash attention on TPU';
  if (ins.slice(0, 3).some((i) => imp.inputType(i) === DT.FLOAT16)) return 'float16 inputs (ONNX rounds in float16; Keras layers compute in float32 here)';
  const mask = ins[3];
  if (mask && imp.inputType(mask) === DT.BOOL) return 'a boolean attn_mask: where every key of a query is masked ONNX gives zeros, Keras the mean of the values';
  if (mask && imp.inputType(mask) !== DT.FLOAT) return 'an attn_mask computed in the graph (only a float mask given as a graph input is read)';
  return undefined;
}

/**
 * The float attn_mask as Keras' bias: a (batch, heads or 1, query steps, key steps) input whose batch is the
 * query's. A mask of lower rank broadcasts without a batch axis, which a Keras input must have (Keras' predict
 * refuses inputs of different batch sizes).
 */
function biasInput(imp: Importer, n: onnx.INodeProto, query: string, hint: string): string {
  const m = imp.kt(n.input![3]!, n);
  const mask = imp.plain(m, `${hint}_mask`);
  if (m.axes.length !== 4) throw new Skip(`Attention ${hint}: an attn_mask of rank ${m.axes.length} has no batch axis (a Keras input needs one; rank 4 is read)`);
  if (imp.declaredBatch(mask) !== imp.declaredBatch(query)) throw new Skip(`Attention ${hint}: an attn_mask of another batch size than the query's`);
  return mask;
}

function attention(imp: Importer, n: onnx.INodeProto, a: Attrs): void {
  const hint = n.name || n.output![0]!;
  const why = refusal(imp, n, a);
  if (why) throw new Skip(`Attention ${hint}: ${why}`);
  const ins = n.input!;
  const [q, k, v] = ins.slice(0, 3).map((i) => imp.kt(i, n)) as [KT, KT, KT];
  const rank = q.axes.length;
  if (rank !== 3 && rank !== 4) throw new Skip(`Attention ${hint}: inputs of rank ${rank} (3 or 4)`);
  if (k.axes.length !== rank || v.axes.length !== rank) throw new Skip(`Attention ${hint}: query, key and value of different ranks`);
  const depth = (t: KT, heads: number) => {
    const s = imp.onnxShape(t);
    return rank === 4 ? s[3] : heads && s[2] !== null && s[2] !== undefined ? s[2] / heads : null;
  };
  const kvHeads = a.int('kv_num_heads', 0);
  if (depth(v, kvHeads) !== depth(k, kvHeads)) throw new Skip(`Attention ${hint}: value depth ${depth(v, kvHeads)} differs from key depth ${depth(k, kvHeads)} (Keras takes one depth)`);
  const inbound = [asKeras(imp, q, a.int('q_num_heads', 0), hint, 'query'), asKeras(imp, k, kvHeads, hint, 'key'), asKeras(imp, v, kvHeads, hint, 'value')];
  if (ins[3]) inbound.push(biasInput(imp, n, inbound[0]!, hint));
  const config = { is_causal: a.int('is_causal', 0) === 1, scale: a.has('scale') ? a.float('scale', 1) : null, flash_attention: null, attn_logits_soft_cap: null };
  const layer = imp.addLayer('DotProductAttention', config, inbound, hint);
  if (rank === 4) return imp.alias(n.output![0], { layer, axes: PERM_4D });
  const [, steps, heads, dv] = imp.shapes.get(layer)!;
  const merged = heads !== null && dv !== null ? heads! * dv! : -1;
  imp.alias(n.output![0], imp.identity(imp.addLayer('Reshape', { target_shape: [steps ?? -1, merged] }, [layer], `${hint}_merge`)));
}

export const attentionImporters: OpImporters = { Attention: attention };
