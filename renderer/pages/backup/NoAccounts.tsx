// What the Backup page says when there is no cloud account: on this computer, add one (or try the demo);
// on a device, its accounts are added on the device itself.
import { Hint } from '../../components/layout';
import { TryDemoButton } from './DemoParts';

export function NoAccounts(props: { onDevice: boolean; demo: boolean; onAdd: () => void }) {
  if (props.onDevice)
    return (
      <div className="empty">
        <Hint>
          Automatic backups go to a cloud storage account. The device keeps its accounts in its own protected store: add
          one on the device, in Settings → Accounts, then open this page again.
        </Hint>
      </div>
    );
  return (
    <div className="empty">
      <Hint>
        Automatic backups go to a cloud storage account. Backing up now to this computer or a drive needs none.
      </Hint>
      <div className="center stacked">
        <button type="button" className="primary" onClick={props.onAdd}>
          Add cloud account
        </button>
        {!props.demo && <TryDemoButton />}
      </div>
    </div>
  );
}
