/**
 * The ONNX protobuf schema (from the `onnx-proto` package, protobufjs static code for onnx.proto v1.10) and
 * the small helpers export and import share: tensors to and from typed arrays, attributes, int64 values.
 */
import { onnx } from 'onnx-proto';
import { UserError } from '../../core/types';

export { onnx };

export const DT = onnx.TensorProto.DataType;
const AT = onnx.AttributeProto.AttributeType;

/** protobufjs hands out int64 fields as `Long` objects (or numbers when `long` is absent). */
type LongLike = number | { toNumber(): number };

export function toNum(v: LongLike | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * Decodes a ModelProto; bytes that are not one (wrong wire types, truncation, no graph) become a UserError.
 * Protobuf has no magic number, so a model without a graph is the only sure sign of a foreign file.
 */
export function decodeModel(bytes: Uint8Array, fileName: string): onnx.ModelProto {
  let m: onnx.ModelProto;
  try {
    m = onnx.ModelProto.decode(bytes);
  } catch (e) {
    // protobufjs' own words ("index out of range: 645 + 10 > 645", "invalid wire type 7 at offset 12") are
    // said in ours: where the data stops making sense.
    const msg = (e as Error).message;
    const end = /index out of range: (\d+)/.exec(msg);
    const wire = /invalid wire type (\d+) at offset (\d+)/.exec(msg);
    const why = end ? `its data ends early (a field at byte ${end[1]} runs past the end of the file)` : wire ? `it has an unknown field type at byte ${wire[2]}` : 'its protobuf data cannot be decoded';
    throw new UserError(
      `${fileName} is not a valid ONNX file: ${why}`,
      'the file is damaged, truncated or not an ONNX model; export it again from the tool that made it',
      'onnx-invalid',
    );
  }
  if (!m.graph || (m.graph.node ?? []).length === 0) {
    throw new UserError(`${fileName} is not a valid ONNX file: it has no graph`, 'the file is damaged or not an ONNX model', 'onnx-invalid');
  }
  return m;
}

// ------------------------------------------------------------------------------------------------ tensors

export function floatTensor(name: string, dims: readonly number[], data: ArrayLike<number>): onnx.ITensorProto {
  const f = Float32Array.from(data);
  if (f.length !== dims.reduce((a, b) => a * b, 1)) throw new Error(`tensor ${name}: ${f.length} values for dims [${dims.join(', ')}]`);
  return { name, dims: [...dims], dataType: DT.FLOAT, rawData: new Uint8Array(f.buffer, f.byteOffset, f.byteLength) };
}

export function int64Tensor(name: string, dims: readonly number[], data: readonly number[]): onnx.ITensorProto {
  const b = BigInt64Array.from(data.map((x) => BigInt(x)));
  return { name, dims: [...dims], dataType: DT.INT64, rawData: new Uint8Array(b.buffer) };
}

/** An IEEE half-precision number (its 16 bits) as a number. */
export function halfToNumber(h: number): number {
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  const v = e === 0 ? f * 2 ** -24 : e === 31 ? (f ? NaN : Infinity) : (1 + f / 1024) * 2 ** (e - 15);
  return h & 0x8000 ? -v : v;
}

/** A number as the 16 bits of the nearest half-precision value (ties to even; overflow to infinity). */
export function numberToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a >= 65520) return sign | 0x7c00;
  if (a < 2 ** -14) return sign | roundEven(a / 2 ** -24);
  const e = Math.floor(Math.log2(a));
  const m = roundEven((a / 2 ** e - 1) * 1024);
  // A mantissa rounded up to 1024 carries into the exponent.
  return sign | (m === 1024 ? ((e + 16) << 10) : ((e + 15) << 10) | m);
}

function roundEven(v: number): number {
  const r = Math.round(v);
  return Math.abs(v % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** Values of a tensor as numbers (float, float16, double, ints and their raw_data forms). */
export function tensorValues(t: onnx.ITensorProto): { dims: number[]; data: Float64Array | Float32Array; dataType: number } {
  const dims = (t.dims ?? []).map(toNum);
  const n = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  const dt = t.dataType ?? DT.UNDEFINED;
  const view = (bytesPer: number) => {
    if (!raw) return undefined;
    if (raw.length !== n * bytesPer) throw new UserError(`ONNX tensor "${t.name}" has ${raw.length} bytes for shape [${dims.join(', ')}]`, 'the file is damaged', 'onnx-invalid');
    return new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  };
  let data: Float32Array | Float64Array;
  switch (dt) {
    case DT.FLOAT: {
      const v = view(4);
      data = v ? Float32Array.from({ length: n }, (_, i) => v.getFloat32(i * 4, true)) : Float32Array.from(t.floatData ?? []);
      break;
    }
    case DT.FLOAT16: {
      // raw_data holds the 16-bit values; int32_data one per entry otherwise (onnx.proto).
      const v = view(2);
      data = v ? Float32Array.from({ length: n }, (_, i) => halfToNumber(v.getUint16(i * 2, true))) : Float32Array.from(t.int32Data ?? [], halfToNumber);
      break;
    }
    case DT.DOUBLE: {
      const v = view(8);
      data = v ? Float64Array.from({ length: n }, (_, i) => v.getFloat64(i * 8, true)) : Float64Array.from(t.doubleData ?? []);
      break;
    }
    case DT.INT64: {
      const v = view(8);
      data = v ? Float64Array.from({ length: n }, (_, i) => Number(v.getBigInt64(i * 8, true))) : Float64Array.from((t.int64Data ?? []).map(toNum));
      break;
    }
    case DT.UINT64: {
      const v = view(8);
      data = v ? Float64Array.from({ length: n }, (_, i) => Number(v.getBigUint64(i * 8, true))) : Float64Array.from((t.uint64Data ?? []).map(toNum));
      break;
    }
    case DT.UINT32: {
      // raw_data holds 4 bytes each; uint64_data one per entry otherwise (onnx.proto).
      const v = view(4);
      data = v ? Float64Array.from({ length: n }, (_, i) => v.getUint32(i * 4, true)) : Float64Array.from((t.uint64Data ?? []).map(toNum));
      break;
    }
    case DT.INT32:
    case DT.INT16:
    case DT.UINT16:
    case DT.INT8:
    case DT.UINT8:
    case DT.BOOL: {
      const size = dt === DT.INT32 ? 4 : dt === DT.INT16 || dt === DT.UINT16 ? 2 : 1;
      const v = view(size);
      const get = (i: number) =>
        size === 4 ? v!.getInt32(i * 4, true) : dt === DT.INT16 ? v!.getInt16(i * 2, true) : dt === DT.UINT16 ? v!.getUint16(i * 2, true) : dt === DT.INT8 ? v!.getInt8(i) : v!.getUint8(i);
      data = v ? Float64Array.from({ length: n }, (_, i) => get(i)) : Float64Array.from(t.int32Data ?? []);
      break;
    }
    default:
      throw new UserError(`ONNX tensor "${t.name}" has data type ${DT[dt] ?? dt}, which Model Studio does not read`, 'use float32 weights', 'onnx-unsupported');
  }
  if (data.length !== n) throw new UserError(`ONNX tensor "${t.name}" has ${data.length} values for shape [${dims.join(', ')}]`, 'the file is damaged', 'onnx-invalid');
  return { dims, data, dataType: dt };
}

// ------------------------------------------------------------------------------------------------ attributes

export type AttrValue = number | string | number[] | { float: number } | { floats: number[] } | { strings: string[] };

/** Builds an AttributeProto: integers as INT/INTS, `{float}` / `{floats}` for floats, strings as STRING. */
export function attr(name: string, v: AttrValue): onnx.IAttributeProto {
  if (typeof v === 'number') return { name, type: AT.INT, i: v };
  if (typeof v === 'string') return { name, type: AT.STRING, s: new TextEncoder().encode(v) };
  if (Array.isArray(v)) return { name, type: AT.INTS, ints: v };
  if ('float' in v) return { name, type: AT.FLOAT, f: v.float };
  if ('floats' in v) return { name, type: AT.FLOATS, floats: v.floats };
  return { name, type: AT.STRINGS, strings: v.strings.map((s) => new TextEncoder().encode(s)) };
}

/** Reads the attributes of a node by name. */
export class Attrs {
  private readonly byName = new Map<string, onnx.IAttributeProto>();
  constructor(node: onnx.INodeProto) {
    for (const a of node.attribute ?? []) if (a.name) this.byName.set(a.name, a);
  }
  has(name: string): boolean {
    return this.byName.has(name);
  }
  int(name: string, d: number): number {
    const a = this.byName.get(name);
    return a ? toNum(a.i as LongLike) : d;
  }
  float(name: string, d: number): number {
    const a = this.byName.get(name);
    return a ? (a.f ?? d) : d;
  }
  ints(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.ints ?? []).map((x) => toNum(x as LongLike)) : undefined;
  }
  floats(name: string): number[] | undefined {
    const a = this.byName.get(name);
    return a ? [...(a.floats ?? [])] : undefined;
  }
  str(name: string, d: string): string {
    const a = this.byName.get(name);
    return a?.s ? new TextDecoder().decode(a.s) : d;
  }
  strs(name: string): string[] | undefined {
    const a = this.byName.get(name);
    return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : undefined;
  }
  names(): string[] {
    return [...this.byName.keys()];
  }
}
