// "Manual backup": where to back up now, what will be backed up, and Back up now. While a backup runs
// the button gives way to the progress (as on Sailfish) and the picker is dimmed.
import { useState, type RefObject } from 'react';
import { Hint, Info } from '../../components/layout';
import { ValuePicker } from '../../components/ValuePicker';
import type { BackupTarget } from './targets';

export function ManualBackupSection(props: {
  targets: BackupTarget[];
  unitsText: string;
  hasUnits: boolean;
  busy: boolean;
  onBackup: (target: BackupTarget) => void;
  buttonRef?: RefObject<HTMLButtonElement | null>;
}) {
  const [chosenKey, setChosenKey] = useState<string>(props.targets[0]?.key ?? '');
  const chosen = props.targets.find((t) => t.key === chosenKey) ?? props.targets[0];
  return (
    <div className="manual-backup">
      <Info>Back up now to a cloud account</Info>
      <ValuePicker
        label="Manually back up to"
        value={chosen?.key ?? ''}
        options={props.targets.map((t) => ({ value: t.key, label: t.label }))}
        onChange={setChosenKey}
        disabled={props.busy}
        description={`The following data will be backed up: ${props.unitsText}.`}
      />
      {!props.hasUnits && <Hint>Choose at least one folder to back up below.</Hint>}
      {!props.busy && (
        <div className="center">
          <button
            ref={props.buttonRef}
            type="button"
            className="primary"
            disabled={!chosen || !props.hasUnits}
            onClick={() => chosen && props.onBackup(chosen)}
          >
            Back up now
          </button>
        </div>
      )}
    </div>
  );
}
