/**
 * A text file for a character RNN: every window of `seqLength` characters predicts the character after it
 * (the Keras `lstm_text_generation` example). The default vocabulary is fixed (newline + printable ASCII, 96
 * symbols, what the char-rnn template's Embedding expects); `vocab: 'file'` uses the file's own characters.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ASCII_VOCAB } from '../../core/training';
import { UserError } from '../../core/types';
import type { DataSource } from './source';

export { ASCII_VOCAB };

export interface TextOptions {
  seqLength?: number;
  /** Step between windows (Keras' example uses 3). */
  step?: number;
  vocab?: 'ascii' | 'file';
}

export interface TextDataset {
  source: DataSource;
  vocabulary: string[];
  /** The encoded text. */
  ids: Int32Array;
}

export function encodeText(text: string, vocabulary: string[]): Int32Array {
  const index = new Map(vocabulary.map((ch, i) => [ch, i]));
  // Characters outside the vocabulary become '?' (or the first symbol when '?' is not in it).
  const unknown = index.get('?') ?? 0;
  return Int32Array.from(Array.from(text), (ch) => index.get(ch) ?? unknown);
}

export function loadText(path: string, opts: TextOptions = {}): TextDataset {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    throw new UserError(`File not found: ${path}`, 'Check the path in the data spec (text:PATH).', 'missing-file');
  }
  return textDataset(text.replace(/\r\n/g, '\n'), basename(path), opts);
}

export function textDataset(text: string, name: string, opts: TextOptions = {}): TextDataset {
  const seqLength = opts.seqLength ?? 40;
  const step = opts.step ?? 1;
  const vocabulary = opts.vocab === 'file' ? [...new Set(Array.from(text))].sort() : [...ASCII_VOCAB];
  const ids = encodeText(text, vocabulary);
  const windows = Math.floor((ids.length - seqLength - 1) / step) + 1;
  if (ids.length <= seqLength) {
    throw new UserError(`${name} has ${ids.length} characters; a sequence length of ${seqLength} needs more.`, undefined, 'text-short');
  }
  const source: DataSource = {
    description: `text:${name}`,
    xShape: [seqLength],
    xDType: 'int32',
    labels: { kind: 'class', numClasses: vocabulary.length, classNames: vocabulary },
    size: windows,
    async read(indices) {
      const x = new Int32Array(indices.length * seqLength);
      const y = new Int32Array(indices.length);
      indices.forEach((w, k) => {
        const start = w * step;
        x.set(ids.subarray(start, start + seqLength), k * seqLength);
        y[k] = ids[start + seqLength];
      });
      return { x, y, size: indices.length };
    },
  };
  return { source, vocabulary, ids };
}
