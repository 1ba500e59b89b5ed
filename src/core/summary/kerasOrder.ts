/**
 * The order in which Keras 3 lists a functional model's layers and whether it calls the model
 * "sequential-like" (keras/src/ops/function.py `map_graph` / `_build_map`, keras/src/utils/summary_utils.py
 * `print_summary`): a depth-first walk from the outputs numbers the layers; a layer's depth is the longest
 * path from it to an output; layers are listed deepest first, ties in walk order. Our graphs use each layer
 * once, so a layer is a node.
 */
import type { ModelGraph } from '../types';

export interface KerasLayerOrder {
  /** Layer names as `model.layers` / `model._operations` lists them. */
  names: string[];
  /** No depth holds two layers and no layer takes two inputs. */
  sequentialLike: boolean;
}

export function kerasLayerOrder(g: ModelGraph): KerasLayerOrder {
  const byName = new Map(g.layers.map((l) => [l.name, l]));
  if (g.kind === 'Sequential') {
    // `Sequential.layers` leaves out the InputLayer.
    const names = g.layers.filter((l) => l.className !== 'InputLayer').map((l) => l.name);
    return { names, sequentialLike: true };
  }
  const walkIndex = new Map<string, number>();
  const postOrder: string[] = [];
  const finished = new Set<string>();
  const inProgress = new Set<string>();
  // Iterative form of `_build_map_helper` (deep models would overflow the stack).
  for (const output of g.outputs) {
    const stack: { name: string; next: number }[] = [];
    const enter = (name: string) => {
      if (finished.has(name) || inProgress.has(name) || !byName.has(name)) return;
      if (!walkIndex.has(name)) walkIndex.set(name, walkIndex.size);
      inProgress.add(name);
      stack.push({ name, next: 0 });
    };
    enter(output);
    while (stack.length) {
      const top = stack[stack.length - 1]!;
      const inbound = byName.get(top.name)!.inbound;
      if (top.next < inbound.length) enter(inbound[top.next++]!);
      else {
        stack.pop();
        inProgress.delete(top.name);
        finished.add(top.name);
        postOrder.push(top.name);
      }
    }
  }
  const depth = new Map<string, number>();
  for (let i = postOrder.length - 1; i >= 0; i--) {
    const name = postOrder[i]!;
    const d = depth.get(name) ?? 0;
    depth.set(name, d);
    for (const parent of byName.get(name)!.inbound) {
      if (finished.has(parent)) depth.set(parent, Math.max(d + 1, depth.get(parent) ?? 0));
    }
  }
  // Model inputs no output depends on are still listed (depth 0, first in their depth).
  for (const input of g.inputs) {
    if (!depth.has(input) && byName.has(input)) {
      depth.set(input, 0);
      walkIndex.set(input, -1);
    }
  }
  const names = [...depth.keys()].sort((a, b) => depth.get(b)! - depth.get(a)! || walkIndex.get(a)! - walkIndex.get(b)!);
  const perDepth = new Map<number, number>();
  for (const n of names) perDepth.set(depth.get(n)!, (perDepth.get(depth.get(n)!) ?? 0) + 1);
  const sequentialLike = [...perDepth.values()].every((c) => c === 1) && names.every((n) => byName.get(n)!.inbound.length <= 1);
  return { names, sequentialLike };
}
