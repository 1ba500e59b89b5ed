/**
 * What an ONNX file must be before the importer looks at its operators: the standard operator domain at an
 * opset that exists, numeric tensors, attribute values the operators define, and sizes within the limits
 * (formats/limits.ts). A file failing here is refused with one UserError naming its first problems.
 */
import { UserError } from '../../../core/types';
import { checkLimit, limit, limitError } from '../../limits';
import { DT, toNum } from '../proto';
import { onnx } from 'onnx-proto';

const AT = onnx.AttributeProto.AttributeType;

/** The opsets ONNX has published that converters write (7 = ONNX 1.2; 23 = ONNX 1.18). */
const OPSETS = { min: 6, max: 28 };
/**
 * Element types read: floats as float32, integers and bools as TF.js' int32. int64, uint32 and uint64 values
 * beyond int32 are refused when fed (verify.ts predictTfjs), never wrapped.
 */
const NUMERIC = new Set<number>([DT.FLOAT, DT.DOUBLE, DT.FLOAT16, DT.INT8, DT.INT16, DT.INT32, DT.INT64, DT.UINT8, DT.UINT16, DT.UINT32, DT.UINT64, DT.BOOL]);
/** The element types ONNX added after onnx-proto's enum (onnx.proto: TensorProto.DataType 17 to 26). */
const LATER_TYPES: Record<number, string> = {
  17: 'FLOAT8E4M3FN',
  18: 'FLOAT8E4M3FNUZ',
  19: 'FLOAT8E5M2',
  20: 'FLOAT8E5M2FNUZ',
  21: 'UINT4',
  22: 'INT4',
  23: 'FLOAT4E2M1',
  24: 'FLOAT8E8M0',
  25: 'UINT2',
  26: 'INT2',
};
/** Why an input of a type not read is refused, by type. */
function typeReason(t: number): string {
  if (t === DT.STRING) return 'only numeric inputs are read';
  return 'Keras and TensorFlow.js have no such type';
}
const AUTO_PAD = new Set(['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID']);
/** Attributes whose integers must be at least 1 (strides, dilations, kernel sizes, groups). */
const POSITIVE = new Set(['strides', 'dilations', 'kernel_shape', 'group', 'hidden_size']);

function dtypeName(t: number): string {
  return (DT as unknown as Record<number, string>)[t] ?? LATER_TYPES[t] ?? `type ${t}`;
}

function attributeProblem(node: onnx.INodeProto, a: onnx.IAttributeProto): string | undefined {
  const name = a.name ?? '';
  const where = `node '${node.name || node.opType}' (${node.opType})`;
  if (name === 'auto_pad') {
    const v = new TextDecoder().decode(a.s ?? new Uint8Array());
    if (!AUTO_PAD.has(v)) return `${where} has auto_pad ${JSON.stringify(v.slice(0, 40))}; ONNX defines ${[...AUTO_PAD].join(', ')}`;
  }
  const ints = (a.type === AT.INT ? [a.i] : a.type === AT.INTS ? (a.ints ?? []) : []).map((v) => toNum(v as never));
  if (POSITIVE.has(name) && ints.some((v) => v < 1)) return `${where} has ${name} [${ints.join(', ')}]; they must be at least 1`;
  if (name === 'pads' && ints.some((v) => v < 0)) return `${where} has negative pads [${ints.join(', ')}]`;
  if (ints.some((v) => Math.abs(v) > limit('dimension'))) return `${where} has ${name} [${ints.join(', ')}], beyond any tensor size`;
  return undefined;
}

function tensorProblem(t: onnx.ITensorProto, what: string): string | undefined {
  const dims = (t.dims ?? []).map((d) => toNum(d as never));
  if (!NUMERIC.has(t.dataType ?? 0)) return `${what} '${t.name}' holds ${dtypeName(t.dataType ?? 0)} values; only numeric tensors are read`;
  if (dims.some((d) => d < 0 || d > limit('dimension'))) return `${what} '${t.name}' has dimensions [${dims.join(', ')}]`;
  const n = dims.reduce((p, q) => p * q, 1);
  if (n > limit('tensorElements')) throw limitError('tensorElements', `${what} '${t.name}' has ${n.toLocaleString('en-US')} elements`);
  return undefined;
}

/** Values of an int64 initializer (a Reshape's target shape). */
function int64Values(t: onnx.ITensorProto): number[] {
  if (t.int64Data?.length) return t.int64Data.map((v) => toNum(v as never));
  const raw = t.rawData;
  if (!raw || raw.length % 8) return [];
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return Array.from({ length: raw.length / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
}

/** Every problem of the model's frame, the first few in one UserError. */
export function validateOnnx(model: onnx.IModelProto, fileName: string): void {
  const g = model.graph!;
  const nodes = g.node ?? [];
  checkLimit('layers', nodes.length, (n) => `${fileName} has ${n} nodes`);
  const problems: string[] = [];
  const std = (model.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx');
  const opset = std ? toNum(std.version as never) : undefined;
  if (opset !== undefined && (opset < OPSETS.min || opset > OPSETS.max)) problems.push(`it declares ONNX opset ${opset}; opsets ${OPSETS.min} to ${OPSETS.max} are read`);
  const inits = new Map((g.initializer ?? []).map((t) => [t.name ?? '', t]));
  for (const n of nodes) {
    if (n.domain && n.domain !== 'ai.onnx') problems.push(`node '${n.name || n.opType}' uses the operator domain '${n.domain}' (${n.opType}); only standard ONNX operators are read`);
    for (const a of n.attribute ?? []) {
      const p = attributeProblem(n, a);
      if (p) problems.push(p);
    }
    if (n.opType === 'Reshape' && n.input?.[1] && inits.has(n.input[1])) {
      const shape = int64Values(inits.get(n.input[1])!);
      if (shape.some((d) => d > limit('dimension') || d < -1)) problems.push(`node '${n.name || n.opType}' reshapes to [${shape.join(', ')}]`);
    }
    if (problems.length >= 5) break;
  }
  for (const t of g.initializer ?? []) {
    const p = tensorProblem(t, 'initializer');
    if (p) problems.push(p);
    if (problems.length >= 5) break;
  }
  for (const i of g.input ?? []) {
    if (inits.has(i.name ?? '')) continue;
    const tt = i.type?.tensorType;
    if (!tt) problems.push(`input '${i.name}' is not a tensor`);
    else if (!NUMERIC.has(tt.elemType ?? 0)) problems.push(`input '${i.name}' takes ${dtypeName(tt.elemType ?? 0)} values; ${typeReason(tt.elemType ?? 0)}`);
    for (const d of tt?.shape?.dim ?? []) {
      const v = d.dimValue === undefined || d.dimValue === null ? 0 : toNum(d.dimValue as never);
      if (v < 0 || v > limit('dimension')) problems.push(`input '${i.name}' has a dimension of ${v}`);
    }
  }
  if (problems.length) {
    throw new UserError(
      `${fileName} is not an ONNX model Model Studio can read: ${problems.slice(0, 5).join('; ')}`,
      'the file is damaged or was written for another runtime; export it again with the standard operator set (opset 13 or later)',
      'onnx-invalid',
    );
  }
}
