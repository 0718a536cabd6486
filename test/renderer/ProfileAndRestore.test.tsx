// @vitest-environment jsdom
import { act, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { ProfileSummary } from '../../main/ipc/contract';
import { ProfileInspector } from '../../renderer/pages/ProfileInspector';
import { RestoreConfirmPage } from '../../renderer/pages/RestoreConfirmPage';
import { account, fakeApi, never } from './fakeApi';

const noop = () => {};
const summary: ProfileSummary = {
  name: 'nextcloud.Backup-1',
  displayName: 'nextcloud.Backup-Home cloud',
  accountId: 1,
  client: 'nextcloud-backup',
  enabled: true,
  schedule: { enabled: true, time: '02:00:00', interval: 0, days: [1, 2, 3, 4, 5, 6, 7] },
  keys: [
    ['accountid', '1'],
    ['destinationtype', 'online'],
  ],
  running: false,
  lastResult: {
    time: '2026-11-26T02:00:00.000Z',
    majorCode: 1,
    minorCode: 402,
    scheduled: true,
    message: 'The server refused the user name or password.',
  },
};

describe('Profile inspector', () => {
  it('is loading, then empty', async () => {
    const first = fakeApi({ 'profiles.list': () => never() });
    const { unmount } = first.render(<ProfileInspector navigate={noop} onBack={noop} />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    unmount();
    fakeApi({ 'profiles.list': () => [] }).render(<ProfileInspector navigate={noop} onBack={noop} />);
    expect(await screen.findByText(/No sync profiles yet/)).toBeTruthy();
  });

  it('shows a profile’s keys, schedule, log and XML, runs it, and follows live signals', async () => {
    const fake = fakeApi({
      'profiles.list': () => [summary],
      'profiles.get': () => ({
        summary,
        xml: '<profile name="nextcloud.Backup-1" type="sync"/>',
        log: [summary.lastResult!],
      }),
      'profiles.run': () => true,
    });
    fake.render(<ProfileInspector selected="nextcloud.Backup-1" navigate={noop} onBack={noop} />);
    expect(await screen.findByRole('table', { name: 'Keys' })).toBeTruthy();
    const xml = screen.getByRole('region', { name: 'Profile XML' });
    expect(xml.textContent).toContain('nextcloud.Backup-1');
    expect(xml.tabIndex).toBe(0);
    expect(screen.getByRole('list', { name: 'Results log' }).textContent).toContain('Failed (402)');
    await userEvent.click(screen.getByRole('button', { name: 'Run' }));
    expect(fake.calls).toContainEqual(['profiles.run', ['nextcloud.Backup-1']]);
    act(() =>
      fake.emit('sync.status', {
        profile: 'nextcloud.Backup-1',
        status: 2,
        message: '1048576/2097152 bytes',
        moreDetails: 202,
        at: new Date().toISOString(),
      }),
    );
    act(() =>
      fake.emit('sync.transfer', {
        profile: 'nextcloud.Backup-1',
        db: 1,
        type: 1,
        mime: 'application/x-tar',
        committed: 1024,
        at: new Date().toISOString(),
      }),
    );
    const feed = screen.getByRole('list', { name: 'Live signals' }).textContent ?? '';
    expect(feed).toContain('nextcloud.Backup-1: progress — 1048576/2097152 bytes (202)');
    expect(feed).toContain('transferProgress 1024 KiB');
  });

  it('shows errors', async () => {
    fakeApi({ 'profiles.list': () => Promise.reject(new Error('No sync daemon')) }).render(
      <ProfileInspector navigate={noop} onBack={noop} />,
    );
    expect((await screen.findByRole('alert')).textContent).toContain('No sync daemon');
  });
});

describe('Restore confirmation', () => {
  const file = 'sailfish_backup_2026-11-20T08-40-00Z.tar';

  it('restores after the user confirms, with progress, then Finished', async () => {
    const fake = fakeApi({
      'accounts.list': () => [account],
      'backup.restore': () => null,
      'backup.cancel': () => null,
    });
    fake.render(
      <RestoreConfirmPage source={{ kind: 'cloud', accountId: 1 }} file={file} navigate={noop} onBack={noop} />,
    );
    expect(await screen.findByText('Home cloud (Nextcloud)')).toBeTruthy();
    expect(screen.getByText('The device will be restored using')).toBeTruthy();
    expect(fake.calls.some(([c]) => c === 'backup.restore')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Restore' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel restore' }));
    expect(fake.calls).toContainEqual(['backup.restore', [1, file]]);
    act(() =>
      fake.emit('vault.state', {
        status: 'DownloadingBackup',
        statusText: 'Downloading 1.0 MB of 4.0 MB',
        progress: 0.25,
        canCancel: true,
        error: '',
      }),
    );
    expect(document.querySelector('.status-line')?.textContent).toBe('Downloading 1.0 MB of 4.0 MB');
    expect(screen.getByRole('progressbar', { name: 'Restore progress' }).getAttribute('aria-valuenow')).toBe('25');
    act(() => fake.emit('vault.operation', { kind: 'restore', accountId: 1, status: 'Finished' }));
    expect(document.querySelector('.status-line')?.textContent).toBe('Finished');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Done' }));
  });

  it('shows a failed restore in red', async () => {
    const fake = fakeApi({ 'accounts.list': () => [account], 'backup.restore': () => null });
    fake.render(
      <RestoreConfirmPage source={{ kind: 'cloud', accountId: 1 }} file={file} navigate={noop} onBack={noop} />,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Restore' }));
    act(() =>
      fake.emit('vault.operation', {
        kind: 'restore',
        accountId: 1,
        status: 'Error',
        error: 'The backup sailfish_backup_2026-11-20T08-40-00Z.tar is not on the server.',
      }),
    );
    expect(screen.getByRole('alert').textContent).toContain('is not on the server');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Try again' }));
  });

  it('a cloud backup whose folders have no place here: the restore says so, then asks for a folder', async () => {
    const fake = fakeApi({
      'accounts.list': () => [account],
      'backup.restore': () => null,
      'folders.pick': () => ({ native: true, path: '/home/alice/Restored' }),
      'backup.restoreInto': () => null,
    });
    fake.render(
      <RestoreConfirmPage source={{ kind: 'cloud', accountId: 1 }} file={file} navigate={noop} onBack={noop} />,
    );
    await userEvent.click(await screen.findByRole('button', { name: 'Restore' }));
    const message = 'Could not restore the backup: The backup holds folders this computer does not back up (Photos).';
    act(() =>
      fake.emit('vault.operation', {
        kind: 'restore',
        accountId: 1,
        status: 'Error',
        error: message,
        problem: { kind: 'needs-folder', message },
      }),
    );
    expect(screen.getByRole('alert').textContent).toContain('does not back up (Photos)');
    expect(screen.getByRole('alert').textContent).toContain('Choose a folder to restore into.');
    expect(document.body.textContent).not.toContain('--to');
    expect(screen.queryByRole('button', { name: 'Try again' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Choose folder…' }));
    await userEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    expect((await screen.findByText('/home/alice/Restored')).closest('.restore-into')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(fake.calls).toContainEqual(['backup.restoreInto', [1, file, '/home/alice/Restored']]);
  });

  it('asks where to restore the folders this computer does not back up, with the app’s own dialog', async () => {
    const card = '/media/alice/SFB STICK';
    const fake = fakeApi({
      'targets.list': () => ({
        folders: [{ kind: 'drive', path: card, label: 'SFB STICK', size: 16e9, free: 15.2e9, exists: true }],
        driveSource: 'udisks2',
      }),
      'backup.fileUnits': () => ({ units: ['Documents', 'Photos'], unknown: ['Photos'] }),
      'folders.pick': () => ({ native: true, path: '/home/alice/Restored' }),
      'backup.restoreFile': () => null,
    });
    fake.render(
      <RestoreConfirmPage source={{ kind: 'folder', folder: card }} file={file} navigate={noop} onBack={noop} />,
    );
    expect(await screen.findByText('SFB STICK 15.2 GB')).toBeTruthy();
    expect(
      await screen.findByText(
        'This backup holds folders this computer does not back up (Photos). Choose a folder to restore them into.',
      ),
    ).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Restore' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Choose folder…' }));
    expect(fake.calls).toContainEqual(['folders.pick', [{ title: 'Restore into' }]]);
    expect((await screen.findByText('/home/alice/Restored')).closest('.restore-into')).toBeTruthy();
    expect(screen.getByText(/or removing the drive\.$/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Restore' }));
    expect(fake.calls).toContainEqual(['backup.restoreFile', [card, file, '/home/alice/Restored']]);
    act(() =>
      fake.emit('vault.operation', { kind: 'restore', accountId: 0, file: `${card}/${file}`, status: 'Finished' }),
    );
    expect(await screen.findByText('Your files are back, in /home/alice/Restored.')).toBeTruthy();
  });
});
