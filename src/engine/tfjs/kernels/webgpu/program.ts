/**
 * The parts of tfjs-backend-webgpu's program interface that our kernels use, typed structurally so nothing
 * imports the backend's internal modules (its dist is ESM and not part of the public API).
 * Source: tfjs-backend-webgpu 4.22 `src/webgpu_program.ts` (WebGPUProgram, makeShader) and
 * `src/backend_webgpu.ts` (runWebGPUProgram, recordAndSubmit).
 *
 * makeShader prepends to `getUserCode()`: a `Uniforms` struct (shapes and strides of every input and of the
 * output, `size` when `size` is set, then the fields listed in `uniforms`), `result` at binding 0, one
 * read-only storage array per `variableNames` entry, and the private globals `localIndex` and `workgroupId`.
 * A flat `dispatchLayout` (only `x`) makes the entry point call `main(index)`.
 */
import type { TensorInfo } from '@tensorflow/tfjs';

export interface WebGpuProgram {
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[]; y?: number[]; z?: number[] };
  dispatch: [number, number, number];
  variableNames: string[];
  uniforms?: string;
  workgroupSize: [number, number, number];
  /** Adds `uniforms.size` (the output's element count). */
  size?: boolean;
  getUserCode(): string;
}

/** One program-defined uniform, in the order of the `uniforms` declaration. */
export interface ProgramUniform {
  type: 'int32' | 'uint32' | 'float32';
  data: number[];
}

export interface WebGpuBackendLike {
  runWebGPUProgram(program: WebGpuProgram, inputs: TensorInfo[], outputDtype: string, uniforms?: ProgramUniform[]): TensorInfo;
  disposeData(dataId: object): boolean;
}

/** Is `b` the tfjs webgpu backend (as far as our kernels need)? */
export function isWebGpuBackend(b: unknown): b is WebGpuBackendLike {
  return typeof (b as WebGpuBackendLike | null)?.runWebGPUProgram === 'function';
}
