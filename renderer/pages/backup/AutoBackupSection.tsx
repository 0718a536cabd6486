import type { AutoBackup, BackupPage } from '../../../main/ipc/contract';
import { ComboBox } from '../../components/layout';
import { weekdays } from '../../format';

const NONE = 'none';
const ADD = 'add';

export function AutoBackupSection(props: {
  page: BackupPage;
  unitsText: string;
  onChange: (accountId: number | null, auto: AutoBackup) => void;
  onAddAccount: () => void;
}) {
  const { page } = props;
  const auto = page.autoBackup;
  const target = page.autoAccountId === null ? NONE : String(page.autoAccountId);
  const set = (patch: Partial<AutoBackup>) => props.onChange(page.autoAccountId, { ...auto, ...patch });
  return (
    <div className="auto-backup">
      <ComboBox
        label="Automatically back up to"
        value={target}
        options={[
          { value: NONE, label: 'None' },
          ...page.accounts.map((a) => ({ value: String(a.id), label: a.name })),
          { value: ADD, label: 'Add cloud account' },
        ]}
        onChange={(value) => {
          if (value === ADD) props.onAddAccount();
          else props.onChange(value === NONE ? null : Number(value), auto);
        }}
        description={
          target === NONE ? 'Automatic backups are off.' : `The following data will be backed up: ${props.unitsText}.`
        }
      />
      {target !== NONE && (
        <>
          <ComboBox
            label="Back up"
            value={auto.frequency}
            options={[
              { value: 'daily', label: 'Daily' },
              { value: 'weekly', label: 'Weekly' },
              { value: 'monthly', label: 'Monthly' },
            ]}
            onChange={(frequency) => set({ frequency })}
          />
          {auto.frequency === 'weekly' && (
            <ComboBox
              label="Day"
              value={String(auto.day)}
              options={weekdays.map((d, i) => ({ value: String(i + 1), label: d }))}
              onChange={(day) => set({ day: Number(day) })}
            />
          )}
          {auto.frequency === 'monthly' && (
            <ComboBox
              label="Day"
              value={auto.month ?? 'firstDay'}
              options={[
                { value: 'afterLastBackup', label: 'One month after last backup' },
                { value: 'firstDay', label: 'First day of month' },
                { value: 'lastDay', label: 'Last day of month' },
              ]}
              onChange={(month) => set({ month })}
            />
          )}
          <div className="combo">
            <label htmlFor="auto-time">Time</label>
            <input
              id="auto-time"
              type="time"
              value={auto.time}
              onChange={(e) => e.target.value && set({ time: e.target.value })}
            />
          </div>
          <ComboBox
            label="Connection"
            value={auto.connection}
            options={[
              { value: 'wlan', label: 'WLAN only' },
              { value: 'any', label: 'WLAN or mobile data' },
            ]}
            onChange={(connection) => set({ connection })}
          />
        </>
      )}
    </div>
  );
}
