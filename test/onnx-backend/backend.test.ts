/**
 * The ONNX project's backend suite (node, pytorch-converted, pytorch-operator, simple; onnx commit
 * 6be0677fc22e, vendored in test/fixtures/onnx-backend) through our importer and TF.js engine: every case must
 * PASS (the expected outputs within 1e-4), be REFUSED at import with a reason, or be a faithful model the TF.js
 * engine refuses with its departure reason. A WRONG answer or a crash after import fails the suite.
 * `node --import tsx test/onnx-backend/report.ts [REGEX]` lists every case's verdict.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classify, loadCases, summary, type Result } from './backend';

test('ONNX backend suite: no wrong answers, no crash after import', async () => {
  const cases = loadCases();
  // The four folders of the data, all present (a truncated archive would shrink the suite silently).
  for (const folder of ['node/', 'pytorch-converted/', 'pytorch-operator/', 'simple/']) {
    assert.ok(cases.filter((c) => c.id.startsWith(folder)).length >= 20, `cases of ${folder}`);
  }
  const results: Result[] = [];
  for (const c of cases) results.push(await classify(c));
  const report = summary(results);
  console.log(report);
  const bad = results.filter((r) => r.verdict === 'WRONG' || r.verdict === 'CRASH');
  assert.deepEqual(bad.map((r) => `${r.verdict} ${r.id}: ${r.reason}`), [], report);
  const verdict = new Map(results.map((r) => [r.id, r]));
  // Once wrong or crashing, now right or refused with the reason (issue 14).
  assert.equal(verdict.get('node/test_softmax_axis_0')?.verdict, 'REFUSED', 'softmax over the batch axis');
  assert.equal(verdict.get('node/test_softmax_axis_1')?.verdict, 'PASS', 'softmax over a middle axis');
  assert.match(verdict.get('node/test_selu')?.reason ?? '', /Selu .*alpha and gamma/);
  assert.match(verdict.get('node/test_div_int8')?.reason ?? '', /Div \S+: of integer data/, 'integer division truncates');
  assert.match(verdict.get('node/test_training_dropout')?.reason ?? '', /input \S+ has rank 0 \(a scalar: Keras inputs have a batch axis\)/);
  // A rank-1 input is a batch of scalars (Keras' Input(shape=())); integer outputs compare exactly.
  for (const id of ['node/test_sum_one_input', 'node/test_exp_example', 'node/test_max_int32', 'node/test_max_uint8', 'node/test_add_uint16', 'node/test_add_uint32', 'node/test_max_uint64']) assert.equal(verdict.get(id)?.verdict, 'PASS', id);
  assert.match(verdict.get('node/test_cast_FLOAT8E4M3FN_to_FLOAT')?.reason ?? '', /takes FLOAT8E4M3FN values; Keras and TensorFlow\.js have no such type/);
  assert.match(verdict.get('node/test_cast_FLOAT_to_FLOAT16')?.reason ?? '', /Cast .* to FLOAT16: Keras layers compute in float32/);
  assert.match(verdict.get('pytorch-operator/test_operator_add_size1_singleton_broadcast')?.reason ?? '', /opset 6 broadcast along an axis/);
  assert.equal(verdict.get('pytorch-converted/test_PReLU_1d_multiparam')?.verdict, 'PASS', 'an opset 6 per-channel slope');
  // Grouped, 3-D, and strided dilated convolutions; 3-D pooling.
  for (const id of ['pytorch-converted/test_Conv2d_groups', 'pytorch-converted/test_Conv3d_dilated_strided', 'pytorch-converted/test_Conv2d_dilated', 'pytorch-converted/test_MaxPool3d_stride', 'node/test_averagepool_3d_default']) {
    assert.equal(verdict.get(id)?.verdict, 'PASS', id);
  }
  // Files of opsets 6 and 24 to 28 are read (the backend data is regenerated at every new opset).
  assert.equal(verdict.get('pytorch-converted/test_ReLU')?.verdict, 'PASS', 'an opset 6 file');
  assert.equal(verdict.get('pytorch-converted/test_BatchNorm2d_eval')?.verdict, 'PASS', 'BatchNormalization on NCHW data');
  assert.match(verdict.get('pytorch-converted/test_BatchNorm3d_eval')?.reason ?? '', /rank above 4/);
  assert.equal(verdict.get('node/test_gelu_default_2')?.verdict, 'PASS', 'the Gelu operator (opset 20)');
  assert.equal(verdict.get('node/test_flatten_negative_axis3')?.verdict, 'PASS', 'Flatten axis -3 of a rank-4 tensor is axis 1');
  assert.equal(verdict.get('node/test_sub')?.verdict, 'PASS', 'Subtract on the TF.js engine');
  // Constant operands as Rescaling / Normalization; element-wise functions, reductions and Div as Keras operations.
  for (const id of ['node/test_neg', 'pytorch-operator/test_operator_addconstant', 'node/test_exp', 'node/test_abs', 'node/test_erf', 'pytorch-operator/test_operator_reduced_sum', 'pytorch-operator/test_operator_sqrt', 'node/test_div', 'node/test_softmax_axis_1_expanded', 'pytorch-converted/test_Softsign', 'pytorch-operator/test_operator_clip']) {
    assert.equal(verdict.get(id)?.verdict, 'PASS', id);
  }
  // Attention as Keras' DotProductAttention; what Keras computes otherwise is refused with the reason.
  for (const id of ['node/test_attention_4d_gqa_causal', 'node/test_attention_3d_scaled', 'node/test_attention_4d_attn_mask_4d_causal']) assert.equal(verdict.get(id)?.verdict, 'PASS', id);
  assert.match(verdict.get('node/test_attention_4d_attn_mask_bool')?.reason ?? '', /a boolean attn_mask/);
  assert.match(verdict.get('node/test_attention_4d_softcap')?.reason ?? '', /softcap/);
  // InstanceNormalization as GroupNormalization (one group per channel), LpNormalization p 2 as UnitNormalization and p 1 as Normalize,
  // Trilu as Tril / Triu.
  for (const id of ['pytorch-operator/test_operator_symbolic_override', 'node/test_lpnormalization_default', 'node/test_l1normalization_axis_1', 'node/test_tril_square', 'node/test_triu_square']) assert.equal(verdict.get(id)?.verdict, 'PASS', id);
  // A floor, raised as operators are added: the suite must not quietly stop passing cases.
  assert.ok(results.filter((r) => r.verdict === 'PASS').length >= 406, report);
});
