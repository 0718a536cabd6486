// "Automatically back up to": the account, how often, the day, the time and the connection, written
// into the account's Backup profile schedule.
import type { AutoBackup, BackupPage } from '../../../main/ipc/contract';
import { TimePicker } from '../../components/TimePicker';
import { ValuePicker } from '../../components/ValuePicker';
import { Hint } from '../../components/layout';
import { weekdays } from '../../format';
import { BackgroundService } from './BackgroundService';

const NONE = 'none';
const ADD = 'add';

export function AutoBackupSection(props: {
  page: BackupPage;
  unitsText: string;
  onChange: (accountId: number | null, auto: AutoBackup) => void;
  /** Absent on a device: its accounts are added on the device itself. */
  onAddAccount: (() => void) | undefined;
}) {
  const { page } = props;
  const auto = page.autoBackup;
  const target = page.autoAccountId === null ? NONE : String(page.autoAccountId);
  const set = (patch: Partial<AutoBackup>) => props.onChange(page.autoAccountId, { ...auto, ...patch });
  return (
    <div className="auto-backup">
      <ValuePicker
        label="Automatically back up to"
        value={target}
        options={[
          { value: NONE, label: 'None' },
          ...page.accounts.map((a) => ({ value: String(a.id), label: a.name })),
          ...(props.onAddAccount ? [{ value: ADD, label: 'Add cloud account' }] : []),
        ]}
        onChange={(value) => {
          if (value === ADD) props.onAddAccount?.();
          else props.onChange(value === NONE ? null : Number(value), auto);
        }}
        description={
          target === NONE ? 'Automatic backups are off.' : `The following data will be backed up: ${props.unitsText}.`
        }
      />
      {target !== NONE && (
        <>
          <ValuePicker
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
            <ValuePicker
              label="Day"
              value={String(auto.day)}
              options={weekdays.map((d, i) => ({ value: String(i + 1), label: d }))}
              onChange={(day) => set({ day: Number(day) })}
            />
          )}
          {auto.frequency === 'monthly' && (
            <ValuePicker
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
          <TimePicker label="Time" value={auto.time} onChange={(time) => set({ time })} />
          <ValuePicker
            label="Connection"
            value={auto.connection}
            options={[
              { value: 'wlan', label: 'WLAN only' },
              { value: 'any', label: 'WLAN or mobile data' },
            ]}
            onChange={(connection) => set({ connection })}
            description={
              auto.connection === 'any'
                ? 'Backs up over any connection, mobile data too.'
                : props.onAddAccount
                  ? 'On a computer, a wired (Ethernet) connection counts as WLAN; only mobile data is avoided.'
                  : 'The device backs up only while it is on WLAN.'
            }
          />
          {props.onAddAccount ? (
            // The demo's data goes when it ends: nothing of it may be installed to run later.
            !page.demo && <BackgroundService />
          ) : (
            <Hint>The device runs its automatic backups itself, with or without this computer.</Hint>
          )}
        </>
      )}
    </div>
  );
}
