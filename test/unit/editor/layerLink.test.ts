/**
 * A Problems entry and its layer (issue 13, item 7): the entry's range is the line that names the layer in the
 * saved (indented) model.json, and its code links to the command that opens the graph editor with the layer
 * selected; the host-to-webview message that selects it is validated like every other.
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import { reconcileWeights } from '../../../src/core/initializers';
import { getTemplate } from '../../../src/core/templates';
import { locateLayer, parseRevealArgs, REVEAL_LAYER_COMMAND, revealLayerLink } from '../../../src/extension/editor/layerLink';
import { tfjsCodec } from '../../../src/formats/tfjs';
import { parseHostMessage } from '../../../src/protocol/editor';

async function savedModelJson(id: string): Promise<{ text: string; layers: string[] }> {
  const file = getTemplate(id)!.build();
  file.weights = reconcileWeights(file.graph, [], 1);
  const [main] = await tfjsCodec.write(file, 'model');
  return { text: new TextDecoder().decode(main!.bytes), layers: file.graph.layers.map((l) => l.name) };
}

test('each layer of a saved model.json is placed on its own line, the one that names it', async () => {
  const { text, layers } = await savedModelJson('mnist-cnn');
  const lines = text.split('\n');
  const seen = new Set<number>();
  for (const name of layers) {
    const at = locateLayer(text, name);
    assert.ok(at, `${name} is found`);
    assert.ok(at.line > 0, `${name} is not on line 1`);
    assert.equal(lines[at.line]!.slice(at.character, at.character + at.length), JSON.stringify(name));
    assert.match(lines[at.line]!, /"name":/);
    seen.add(at.line);
  }
  assert.equal(seen.size, layers.length, 'one line per layer');
  assert.equal(locateLayer(text, 'no_such_layer'), undefined);
  // Names are matched literally, never as a pattern.
  assert.equal(locateLayer('{"name": "a.b"}', 'a+b'), undefined);
  assert.deepEqual(locateLayer('{\n  "name": "a+b"\n}', 'a+b'), { line: 1, character: 10, length: 5 });
});

test('the code link of a problem runs Reveal Layer with the model URI and the layer name', () => {
  const uri = 'file:///work/my models/model.json';
  const link = revealLayerLink(uri, 'conv2d_1');
  assert.ok(link.startsWith(`command:${REVEAL_LAYER_COMMAND}?`));
  const args = JSON.parse(decodeURIComponent(link.slice(link.indexOf('?') + 1))) as unknown[];
  assert.deepEqual(parseRevealArgs(args), { uri, layer: 'conv2d_1' });
  // A vscode.Uri object (a caller of the command) is read through its toString().
  assert.deepEqual(parseRevealArgs([{ toString: () => uri }, 'dense']), { uri, layer: 'dense' });
  for (const bad of [[], [uri], [uri, ''], ['', 'dense'], [uri, 3], [null, 'dense']]) assert.equal(parseRevealArgs(bad), undefined, JSON.stringify(bad));
});

test('the webview accepts a revealLayer message with a layer name, and nothing else under that type', () => {
  assert.deepEqual(parseHostMessage({ type: 'revealLayer', name: 'dense' }), { type: 'revealLayer', name: 'dense' });
  assert.equal(parseHostMessage({ type: 'revealLayer', name: '' }), undefined);
  assert.equal(parseHostMessage({ type: 'revealLayer', name: 7 }), undefined);
  assert.equal(parseHostMessage({ type: 'revealLayer' }), undefined);
});
