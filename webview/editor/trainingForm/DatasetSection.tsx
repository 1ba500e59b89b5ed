/** The form's Data group: the dataset (kind, path, label column, options) and what the model is trained to output. */
import type { RefObject } from 'react';
import { DATASET_PATH_KINDS, datasetKindsFor, SAMPLE_WEIGHT, type DatasetKind, type ModelShapes } from '../../../src/core/training';
import { FieldNote, Select, Text, TextInput } from './controls';
import type { SectionProps } from './useTrainingDraft';

const DATASET_HELP: Record<string, string> = {
  xor: 'The four XOR points (built in)',
  linear: 'Synthetic linear regression data (built in)',
  mnist: '70,000 handwritten digits, 28×28 (downloaded once, cached)',
  'fashion-mnist': '70,000 clothing images, 28×28 (downloaded once, cached)',
  genesis: 'The Book of Genesis (King James Version, public domain, 197 KB, built in) for character models',
  csv: 'A CSV file with a header row; the label column is the target',
  npz: `A NumPy archive with x_train/y_train (and x_test/y_test; sample weights: ${SAMPLE_WEIGHT.npzKeys.train})`,
  npy: 'Two NumPy files: X.npy,Y.npy (a third: sample weights)',
  images: 'A folder with one sub-folder of images per class',
  text: 'A text file for character models',
};

function optionsHelp(kind: string): string {
  switch (kind) {
    case 'linear':
      return 'e.g. features=3&samples=1000';
    case 'csv':
      return `e.g. header=false&${SAMPLE_WEIGHT.csvOption}=COLUMN (sample weights)`;
    case 'text':
      return 'e.g. seq=40&step=1&vocab=file';
    case 'genesis':
      return 'e.g. seq=40&step=3';
    default:
      return 'key=value&key=value (optional)';
  }
}

type Props = SectionProps & { first: RefObject<HTMLElement | null>; onBrowse(kind: DatasetKind): void; shapes?: ModelShapes };

export function DatasetSection({ draft, err, set, first, onBrowse, shapes }: Props) {
  const pathKind = DATASET_PATH_KINDS.includes(draft.dataset.kind as DatasetKind);
  // Built-in datasets whose shapes do not fit the model are not offered; the one already chosen stays listed.
  const fitting: string[] = datasetKindsFor(shapes, draft.target);
  const kinds = draft.dataset.kind && !fitting.includes(draft.dataset.kind) ? [draft.dataset.kind, ...fitting] : fitting;
  return (
    <>
      <div className="ms-panel-subtitle">Data</div>
      <Select
        k="dataset.kind"
        label="dataset"
        value={draft.dataset.kind}
        options={kinds}
        allowNone="(choose a dataset)"
        help={DATASET_HELP[draft.dataset.kind]}
        error={err('dataset.kind')}
        elRef={first}
        onChange={(v) => set('dataset.kind', (d) => ({ ...d, dataset: { ...d.dataset, kind: v } }))}
      />
      {pathKind && (
        <div className="ms-field">
          <span className="ms-field-label">{draft.dataset.kind === 'images' ? 'folder' : draft.dataset.kind === 'npy' ? 'files (X.npy,Y.npy[,W.npy])' : 'file'}</span>
          <div className="ms-row">
            <TextInput
              k="dataset.path"
              label="dataset path"
              value={draft.dataset.path}
              invalid={!!err('dataset.path')}
              placeholder={draft.dataset.kind === 'images' ? 'data/images' : `data/train.${draft.dataset.kind === 'text' ? 'txt' : draft.dataset.kind}`}
              onInput={(v) => set('dataset.path', (d) => ({ ...d, dataset: { ...d.dataset, path: v } }))}
            />
            <vscode-button secondary data-action="browse" title="Choose with a file picker" onClick={() => onBrowse(draft.dataset.kind as DatasetKind)}>
              Browse…
            </vscode-button>
          </div>
          <FieldNote help="Relative to the model's folder" error={err('dataset.path')} k="dataset.path" />
        </div>
      )}
      {draft.dataset.kind === 'csv' && (
        <Text
          k="dataset.label"
          label="label column"
          help="Column name or index of the target (default: the last column)"
          value={draft.dataset.label}
          error={err('dataset.label')}
          onInput={(v) => set('dataset.label', (d) => ({ ...d, dataset: { ...d.dataset, label: v } }))}
        />
      )}
      {draft.dataset.kind !== '' && (
        <Text
          k="dataset.options"
          label="options"
          help={optionsHelp(draft.dataset.kind)}
          value={draft.dataset.options}
          error={err('dataset.options')}
          onInput={(v) => set('dataset.options', (d) => ({ ...d, dataset: { ...d.dataset, options: v } }))}
        />
      )}
      <Select
        k="target"
        label="target"
        value={draft.target}
        options={['labels', 'input']}
        help="labels: the dataset's labels; input: the input itself (autoencoders)"
        onChange={(v) => set('target', (d) => ({ ...d, target: v === 'input' ? 'input' : 'labels' }))}
      />
    </>
  );
}
