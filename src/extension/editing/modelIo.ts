/** How the editable model reaches files: the format registry, loaded on first use. */
import type { ModelFile } from '../../core/types';

/** Reads and writes model files; the registry in production, a fake in tests that want one. */
export interface ModelIo {
  read(absPath: string): Promise<ModelFile>;
  write(absPath: string, file: ModelFile, formatId?: string): Promise<string[]>;
}

export async function registryIo(): Promise<ModelIo> {
  // Loaded lazily: format modules pull in h5wasm and protobufjs, which activation should not pay for.
  const registry = await import('../../formats/registry');
  return {
    read: (p) => registry.readModel(p),
    write: (p, f, id) => registry.writeModel(p, f, id as Parameters<typeof registry.writeModel>[2]),
  };
}
