/**
 * The TensorFlow.js namespace an engine hands out. Every engine (tfjs-node, tfjs-node-gpu, webgpu, wasm, cpu)
 * exposes the same `@tensorflow/tfjs` API, but tfjs-node installed into the extension's storage brings its own
 * copy of the module, so code that builds models or tensors takes the namespace as a value instead of importing it.
 */
export type Tf = typeof import('@tensorflow/tfjs');
export type LayersModel = import('@tensorflow/tfjs').LayersModel;
export type Tensor = import('@tensorflow/tfjs').Tensor;
