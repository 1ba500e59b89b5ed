/**
 * A worker process's stderr as the training log and error messages show it: whole lines, without the GPU
 * driver's noise. Shared by the training sessions, the host's log and the predict worker's errors.
 */

/**
 * Whole lines out of a stream's chunks: a chunk may end mid-line (a Dawn warning cut in two would pass the
 * filter as two halves); the partial line waits for the rest.
 */
export function lineBuffer(): { push(chunk: string): string; flush(): string } {
  let pending = '';
  return {
    push(chunk) {
      const text = pending + chunk;
      const cut = text.lastIndexOf('\n');
      pending = cut < 0 ? text : text.slice(cut + 1);
      return cut < 0 ? '' : text.slice(0, cut);
    },
    flush() {
      const rest = pending;
      pending = '';
      return rest;
    },
  };
}

/**
 * A worker's stderr without Dawn's adapter-limit warnings ("... artificially reduced ..."), which the software
 * Vulkan driver triggers on every start of the webgpu engine and which say nothing to a user; '' when nothing
 * else is left.
 */
export function withoutDawnNoise(text: string): string {
  return text
    .split('\n')
    .filter((l) => !/^Warning: \w+ artificially reduced from \d+ to \d+/.test(l.trim()))
    .join('\n')
    .trimEnd();
}
