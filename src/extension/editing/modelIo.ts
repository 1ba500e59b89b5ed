/** How the editable model reaches files: the format registry (which loads each format on first use). */
import type { ModelFile } from '../../core/types';
import { readModel, writeModel } from '../../formats/registry';

/** Reads and writes model files; the registry in production, a fake in tests that want one. */
export interface ModelIo {
  read(absPath: string): Promise<ModelFile>;
  write(absPath: string, file: ModelFile, formatId?: string): Promise<string[]>;
}

export async function registryIo(): Promise<ModelIo> {
  return {
    read: (p) => readModel(p),
    write: (p, f, id) => writeModel(p, f, id as Parameters<typeof writeModel>[2]),
  };
}
