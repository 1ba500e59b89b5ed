/**
 * MultiHeadAttention for tfjs (which has none), as keras/src/layers/attention/multi_head_attention.py
 * computes it on (batch, steps, features) inputs with the default attention axes: query, key and value
 * projected per head by their EinsumDense kernels (features, heads, size) and biases (heads, size); the
 * query scaled by 1/sqrt(key_dim); scores (batch, heads, Tq, Tv) softmaxed over Tv under the mask Keras builds
 * from the inputs' masks (query [B,T,1] & value [B,1,S] & key [B,1,S]): masked scores become -1e9 and masked
 * weights 0 (keras/src/layers/activations/softmax.py); dropout on the weights in training; the heads'
 * outputs projected back by attention_output (heads, value_dim, out). The output keeps the query's mask.
 */
import { tfjsObject } from './kerasLayerArgs';
import type { Tensor, Tf } from './tf';

type AnyClass = new (...args: any[]) => any;

export function multiHeadAttentionLayer(tf: Tf, Layer: AnyClass): AnyClass {
  return class MultiHeadAttention extends Layer {
    static className = 'MultiHeadAttention';
    readonly heads: number;
    readonly keyDim: number;
    readonly valueDim: number;
    readonly outDim: number | null;
    readonly useBias: boolean;
    readonly dropout: number;
    readonly seed?: number;
    readonly extras: { kernel: [any, any]; bias: [any, any] };
    w: Record<string, any> = {};
    constructor(args: any) {
      super(args);
      this.heads = args.numHeads;
      this.keyDim = args.keyDim;
      this.valueDim = args.valueDim ?? args.keyDim;
      const out = args.outputShape;
      this.outDim = Array.isArray(out) ? out[0] : out ?? null;
      this.useBias = args.useBias !== false;
      this.dropout = args.dropout ?? 0;
      this.seed = args.seed ?? undefined;
      this.extras = {
        kernel: [tfjsObject(tf, args.kernelRegularizer), tfjsObject(tf, args.kernelConstraint)],
        bias: [tfjsObject(tf, args.biasRegularizer), tfjsObject(tf, args.biasConstraint)],
      };
      this.supportsMasking = true;
    }
    private add(name: string, kind: 'kernel' | 'bias', shape: number[]): void {
      // Our weights always replace these initial values (Keras' initializers run in core/initializers).
      const [reg, constraint] = this.extras[kind];
      this.w[name] = this.addWeight(name, shape, 'float32', tf.initializers.zeros(), reg, true, constraint);
    }
    build(shapes: (number | null)[][]): void {
      const [q, v] = [shapes[0]!, shapes[1]!];
      const k = shapes[2] ?? v;
      const out = this.outDim ?? q[q.length - 1]!;
      const proj = (name: string, inDim: number, size: number) => {
        this.add(`${name}/kernel`, 'kernel', [inDim, this.heads, size]);
        if (this.useBias) this.add(`${name}/bias`, 'bias', [this.heads, size]);
      };
      proj('query', q[q.length - 1]!, this.keyDim);
      proj('key', k[k.length - 1]!, this.keyDim);
      proj('value', v[v.length - 1]!, this.valueDim);
      this.add('attention_output/kernel', 'kernel', [this.heads, this.valueDim, out]);
      if (this.useBias) this.add('attention_output/bias', 'bias', [out]);
      this.built = true;
    }
    computeOutputShape(shapes: (number | null)[][]): (number | null)[] {
      const q = shapes[0]!;
      return [...q.slice(0, -1), this.outDim ?? q[q.length - 1]!];
    }
    computeMask(_inputs: Tensor[], mask?: (Tensor | null)[] | null): Tensor | null {
      return mask?.[0] ?? null;
    }
    /** (B, T, D) -> (B, heads, T, size): the EinsumDense `abc,cde->abde` plus bias, heads moved forward. */
    private project(x: Tensor, name: string, size: number): Tensor {
      const [b, t, d] = x.shape as number[];
      let y = tf.reshape(tf.matMul(tf.reshape(x, [-1, d!]), tf.reshape(this.w[`${name}/kernel`].read(), [d!, this.heads * size])), [b!, t!, this.heads, size]);
      if (this.useBias) y = tf.add(y, this.w[`${name}/bias`].read());
      return tf.transpose(y, [0, 2, 1, 3]);
    }
    call(inputs: Tensor | Tensor[], kwargs: any): Tensor {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const [query, value] = [list[0]!, list[1]!];
        const key = list[2] ?? value;
        const q = tf.mul(this.project(query, 'query', this.keyDim), 1 / Math.sqrt(this.keyDim));
        const k = this.project(key, 'key', this.keyDim);
        const v = this.project(value, 'value', this.valueDim);
        let scores = tf.matMul(q, k, false, true);
        const partial = this.attentionMask(Array.isArray(kwargs?.mask) ? kwargs.mask : [], list.length > 2);
        const mask = partial ? tf.broadcastTo(partial, scores.shape) : null;
        if (mask) scores = tf.where(mask, scores, tf.fill(scores.shape, -1e9));
        let weights = tf.softmax(scores, -1);
        if (mask) weights = tf.where(mask, weights, tf.zerosLike(weights));
        if (kwargs?.training && this.dropout > 0) weights = tf.dropout(weights, this.dropout, undefined, this.seed);
        const [b, , t] = weights.shape as number[];
        const o = tf.reshape(tf.transpose(tf.matMul(weights, v), [0, 2, 1, 3]), [-1, this.heads * this.valueDim]);
        const kernel = this.w['attention_output/kernel'].read();
        const outDim = kernel.shape[2] as number;
        let y = tf.reshape(tf.matMul(o, tf.reshape(kernel, [this.heads * this.valueDim, outDim])), [b!, t!, outDim]);
        if (this.useBias) y = tf.add(y, this.w['attention_output/bias'].read());
        return y;
      });
    }
    /** Keras' `_compute_attention_mask` from the inputs' masks, as (B, 1, T, S) booleans; null without masks. */
    private attentionMask(masks: (Tensor | null)[], hasKey: boolean): Tensor | null {
      const parts: Tensor[] = [];
      if (masks[0]) parts.push(tf.expandDims(tf.cast(masks[0], 'bool'), -1));
      if (masks[1]) parts.push(tf.expandDims(tf.cast(masks[1], 'bool'), -2));
      if (hasKey && masks[2]) parts.push(tf.expandDims(tf.cast(masks[2], 'bool'), -2));
      if (parts.length === 0) return null;
      return tf.expandDims(parts.reduce((a, m) => tf.logicalAnd(a, m)), 1);
    }
    getConfig(): any {
      return { ...super.getConfig(), numHeads: this.heads, keyDim: this.keyDim, valueDim: this.valueDim, useBias: this.useBias, dropout: this.dropout, outputShape: this.outDim };
    }
  };
}
