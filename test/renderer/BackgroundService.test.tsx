// @vitest-environment jsdom
import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { BackupPage } from '../../renderer/pages/BackupPage';
import { account, backupPage, fakeApi } from './fakeApi';
import { pick, pickerRow } from './pickers';

const noop = () => {};
const notInstalled = {
  installed: false,
  current: false,
  enabled: false,
  running: false,
  runningAsService: false,
  summary: [],
};

describe('the background service on the Backup page', () => {
  it('offers to install it when automatic backups are switched on, and then shows it running', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [],
      'backup.setAuto': (accountId, auto) => backupPage({ autoAccountId: accountId, autoBackup: auto }),
      'service.status': () => notInstalled,
      'service.install': () => ({
        ...notInstalled,
        installed: true,
        current: true,
        enabled: true,
        running: true,
        runningAsService: true,
      }),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await screen.findAllByRole('button', { name: /^Automatically back up to / });
    expect(pickerRow('Automatically back up to')).toBeTruthy();
    expect(screen.queryByRole('group', { name: 'Background service' })).toBeNull();

    await pick('Automatically back up to', account.name);
    const group = await screen.findByRole('group', { name: 'Background service' });
    expect(await within(group).findByText(/run only while this app is open/)).toBeTruthy();
    await userEvent.click(within(group).getByRole('button', { name: 'Run backups in the background' }));

    expect(fake.calls).toContainEqual(['service.install', []]);
    expect(
      await within(group).findByText('Background service: running, and at login. Missed backups run when it starts.'),
    ).toBeTruthy();
    expect(within(group).queryByRole('button')).toBeNull();
  });

  it('says why it could not install', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage({ autoAccountId: 1 }),
      'backup.list': () => [],
      'service.status': () => notInstalled,
      'service.install': () =>
        Promise.reject(
          new Error('~/.local/share/dbus-1/services/com.meego.msyncd.service exists and was not written by sfbackup'),
        ),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Run backups in the background' }));
    expect((await screen.findByRole('alert')).textContent).toBe(
      'The background service could not be installed: ~/.local/share/dbus-1/services/com.meego.msyncd.service exists and was not written by sfbackup',
    );
  });
});
