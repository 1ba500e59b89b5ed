/**
 * The few protocol buffers an event file holds, encoded by hand (field numbers from tensorflow/core/util/
 * event.proto, framework/summary.proto, tensor.proto and tensorboard/plugins/hparams/plugin_data.proto):
 * Event{wall_time=1 double, step=2 int64, file_version=3 string, summary=5}, Summary{value=1},
 * Summary.Value{tag=1, simple_value=2 float, histo=5, tensor=8, metadata=9}, HistogramProto{min=1, max=2,
 * num=3, sum=4, sum_squares=5, bucket_limit=6 packed double, bucket=7 packed double}.
 */

/** A protobuf message under construction: fields appended in order. */
export class Message {
  private readonly parts: Uint8Array[] = [];

  private varint(n: number | bigint): void {
    let v = BigInt.asUintN(64, BigInt(n));
    const bytes: number[] = [];
    do {
      let b = Number(v & 0x7fn);
      v >>= 7n;
      if (v) b |= 0x80;
      bytes.push(b);
    } while (v);
    this.parts.push(Uint8Array.from(bytes));
  }

  private key(field: number, wire: number): void {
    this.varint((field << 3) | wire);
  }

  int(field: number, n: number): this {
    this.key(field, 0);
    this.varint(Math.trunc(n));
    return this;
  }

  double(field: number, x: number): this {
    this.key(field, 1);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, x, true);
    this.parts.push(b);
    return this;
  }

  float(field: number, x: number): this {
    this.key(field, 5);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, x, true);
    this.parts.push(b);
    return this;
  }

  bytes(field: number, data: Uint8Array): this {
    this.key(field, 2);
    this.varint(data.length);
    this.parts.push(data);
    return this;
  }

  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }

  message(field: number, m: Message): this {
    return this.bytes(field, m.encode());
  }

  packedDoubles(field: number, xs: readonly number[]): this {
    const b = new Uint8Array(8 * xs.length);
    const view = new DataView(b.buffer);
    xs.forEach((x, i) => view.setFloat64(8 * i, x, true));
    return this.bytes(field, b);
  }

  encode(): Uint8Array {
    const n = this.parts.reduce((a, p) => a + p.length, 0);
    const out = new Uint8Array(n);
    let at = 0;
    for (const p of this.parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
}

export const event = (wallTime: number, step: number) => new Message().double(1, wallTime).int(2, step);

export function scalarValue(tag: string, x: number): Message {
  return new Message().string(1, tag).float(2, x);
}

/** A histogram from equal-width buckets over [min, max]; sum and sum of squares from the bucket centres. */
export function histogramValue(tag: string, min: number, max: number, counts: readonly number[]): Message {
  const width = (max - min) / Math.max(1, counts.length);
  const limits = counts.map((_, i) => (i === counts.length - 1 ? max : min + width * (i + 1)));
  let num = 0;
  let sum = 0;
  let squares = 0;
  counts.forEach((c, i) => {
    const centre = min + width * (i + 0.5);
    num += c;
    sum += c * centre;
    squares += c * centre * centre;
  });
  const histo = new Message().double(1, min).double(2, max).double(3, num).double(4, sum).double(5, squares).packedDoubles(6, limits).packedDoubles(7, counts);
  return new Message().string(1, tag).message(5, histo);
}

/** google.protobuf.Value: number_value=2, string_value=3, bool_value=4. */
function protoValue(v: string | number | boolean): Message {
  if (typeof v === 'number') return new Message().double(2, v);
  if (typeof v === 'boolean') return new Message().int(4, v ? 1 : 0);
  return new Message().string(3, v);
}

/**
 * The HParams plugin's session start (tensorboard/plugins/hparams/summary.py `session_start_pb`): tag
 * `_hparams_/session_start_info`, plugin "hparams" with HParamsPluginData{version=1: 0, session_start_info=3:
 * SessionStartInfo{hparams=1 map, start_time_secs=5}}, and the empty float tensor the plugin expects.
 */
export function hparamsValue(hparams: Record<string, string | number | boolean>, startSeconds: number): Message {
  const start = new Message();
  for (const [k, v] of Object.entries(hparams)) start.message(1, new Message().string(1, k).message(2, protoValue(v)));
  start.double(5, startSeconds);
  const pluginData = new Message().int(1, 0).message(3, start);
  const metadata = new Message().message(1, new Message().string(1, 'hparams').bytes(2, pluginData.encode()));
  // TensorProto{dtype=1: DT_FLOAT (1), tensor_shape=2: {dim=2: {size=1: 0}}}
  const nullTensor = new Message().int(1, 1).message(2, new Message().message(2, new Message().int(1, 0)));
  return new Message().string(1, '_hparams_/session_start_info').message(9, metadata).message(8, nullTensor);
}
