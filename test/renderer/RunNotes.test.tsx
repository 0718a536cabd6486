// @vitest-environment jsdom
// A run that finished with files skipped says so on the page and lists each one (hostile probes, case 6).
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { OperationProgress } from '../../renderer/pages/backup/OperationProgress';

const noop = () => {};
afterEach(cleanup);

describe('the progress area after a run', () => {
  it('shows "Finished with 3 files skipped" and names every file', () => {
    render(
      <OperationProgress
        vault={{
          status: 'Finished',
          statusText: 'Finished with 3 files skipped',
          progress: 1,
          canCancel: false,
          error: '',
          warnings: [
            { kind: 'skipped', path: '/home/u/Docs/secret.txt', reason: 'it cannot be read (permission denied)' },
            { kind: 'skipped', path: '/home/u/Docs/pipe', reason: 'a named pipe is not backed up' },
            { kind: 'skipped', path: '/media/usb', reason: 'the folder of the unit "usb" is not there' },
            {
              kind: 'note',
              path: '/home/u/.local/share/sailfish-backup-settings',
              reason: "left out: the app's own data",
            },
          ],
        }}
        operation={{ kind: 'backup', accountId: 1, status: 'Finished' }}
        onCancel={noop}
        onViewLog={noop}
      />,
    );
    expect(document.querySelector('.status-line')?.textContent).toBe('Finished with 3 files skipped');
    const items = within(screen.getByRole('list', { name: 'Backup notes' })).getAllByRole('listitem');
    expect(items.map((i) => i.textContent)).toEqual([
      '/home/u/Docs/secret.txt: it cannot be read (permission denied)',
      '/home/u/Docs/pipe: a named pipe is not backed up',
      '/media/usb: the folder of the unit "usb" is not there',
      "/home/u/.local/share/sailfish-backup-settings: left out: the app's own data",
    ]);
  });

  it('shows plain "Finished" and no list when every file went as asked', () => {
    render(
      <OperationProgress
        vault={{ status: 'Finished', statusText: 'Finished', progress: 1, canCancel: false, error: '', warnings: [] }}
        operation={{ kind: 'restore', accountId: 1, status: 'Finished' }}
        onCancel={noop}
        onViewLog={noop}
      />,
    );
    expect(document.querySelector('.status-line')?.textContent).toBe('Finished');
    expect(screen.queryByRole('list')).toBeNull();
  });
});
