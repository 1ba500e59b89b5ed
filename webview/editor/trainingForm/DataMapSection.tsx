/**
 * The data map of a model with several inputs or outputs trained on an npz archive: which array feeds each
 * input and is each output's target. An empty row means the array named like the layer.
 */
import { showsDataMap } from '../outputsDraft';
import { Text } from './controls';
import type { SectionProps } from './useTrainingDraft';

export function DataMapSection({ draft, err, set, io }: SectionProps) {
  if (!showsDataMap(draft.dataset.kind, io)) return null;
  const rows = [...io.inputs.map((name) => ({ name, role: 'input' })), ...io.outputs.filter((o) => !io.inputs.includes(o)).map((name) => ({ name, role: 'target of output' }))];
  return (
    <div role="group" aria-label="data map" data-testid="data-map">
      <div className="ms-panel-subtitle">Arrays of the archive</div>
      {rows.map(({ name, role }) => (
        <Text
          key={name}
          k={`dataMap.${name}`}
          label={`${role} ${name}`}
          help={`The npz array for ${name} (empty: "${name}")`}
          placeholder={name}
          value={draft.dataMap[name] ?? ''}
          error={err(`dataMap.${name}`)}
          onInput={(v) => set(`dataMap.${name}`, (d) => ({ ...d, dataMap: { ...d.dataMap, [name]: v } }))}
        />
      ))}
    </div>
  );
}
