/**
 * Editor benchmarks (figures, not pass/fail): elk layout time and the edit -> diagnostics round trip
 * (host applies an intent, runs analysis, builds the state message, serializes it as postMessage does,
 * and the webview side parses and validates it) for ResNet-style Dense stacks of 50, 200 and 500 layers.
 * Prints one JSON line per size: {"bench":"editor","layers",...,"layout_ms","edit_to_diagnostics_ms"}.
 * Run: node --import tsx test/bench/editor.bench.ts
 */
import { emptyGraph } from '../../src/core/graph';
import type { LayerNode, ModelGraph } from '../../src/core/types';
import { EditableModel } from '../../src/extension/editing/editableModel';
import { parseHostMessage } from '../../src/protocol/editor';
import { layoutGraph } from '../../webview/editor/layout';

/** Input, then blocks of Dense -> Dense -> Add(skip) until `n` layers. */
export function resnetStack(n: number): ModelGraph {
  const g = emptyGraph(`resnet_${n}`);
  const layers: LayerNode[] = [{ name: 'input', className: 'InputLayer', config: { batch_input_shape: [null, 64] }, inbound: [] }];
  let prev = 'input';
  let i = 0;
  while (layers.length + 3 <= n) {
    const a = `dense_${i}a`;
    const b = `dense_${i}b`;
    const add = `add_${i}`;
    layers.push({ name: a, className: 'Dense', config: { units: 64, activation: 'relu' }, inbound: [prev] });
    layers.push({ name: b, className: 'Dense', config: { units: 64 }, inbound: [a] });
    layers.push({ name: add, className: 'Add', config: {}, inbound: [b, prev] });
    prev = add;
    i++;
  }
  while (layers.length < n) {
    const name = `dense_tail_${layers.length}`;
    layers.push({ name, className: 'Dense', config: { units: 64 }, inbound: [prev] });
    prev = name;
  }
  return { ...g, layers, inputs: ['input'], outputs: [prev] };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

export interface EditorBenchLine {
  bench: 'editor';
  layers: number;
  layout_ms: number;
  edit_to_diagnostics_ms: number;
  diagnostics: number;
  first_layout_in_process_ms: number;
}

/** Runs the editor bench; `emit` gets one line per size as soon as it is measured. */
export async function editorBench(emit: (line: EditorBenchLine) => void = (l) => console.log(JSON.stringify(l))): Promise<EditorBenchLine[]> {
  const lines: EditorBenchLine[] = [];
  // The first layout in a process pays for elk's (GWT-compiled) code being JIT-compiled; reported apart.
  const t = performance.now();
  await layoutGraph(resnetStack(50));
  const firstLayoutMs = performance.now() - t;
  for (let r = 0; r < 3; r++) await layoutGraph(resnetStack(500));
  for (const n of [50, 200, 500]) {
    const g = resnetStack(n);
    const layoutTimes: number[] = [];
    for (let r = 0; r < 5; r++) {
      const t0 = performance.now();
      await layoutGraph(g);
      layoutTimes.push(performance.now() - t0);
    }
    const doc = new EditableModel({ graph: g, weights: [] });
    doc.state('model.json');
    const roundTrips: number[] = [];
    for (let r = 0; r < 10; r++) {
      const t0 = performance.now();
      doc.apply({ op: 'setField', layer: 'dense_0a', field: 'units', value: r % 2 === 0 ? 32 : 64 });
      const wire = JSON.stringify({ type: 'state', state: doc.state('model.json') });
      const msg = parseHostMessage(JSON.parse(wire));
      if (msg?.type !== 'state') throw new Error('state message did not validate');
      roundTrips.push(performance.now() - t0);
    }
    const out: EditorBenchLine = {
      bench: 'editor',
      layers: n,
      layout_ms: Math.round(median(layoutTimes) * 10) / 10,
      edit_to_diagnostics_ms: Math.round(median(roundTrips) * 10) / 10,
      diagnostics: doc.analysis().diagnostics.length,
      first_layout_in_process_ms: Math.round(firstLayoutMs),
    };
    lines.push(out);
    emit(out);
  }
  return lines;
}

if (require.main === module) {
  editorBench().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
