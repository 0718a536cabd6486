// @vitest-environment jsdom
// Copying a backup between a connected device and this computer from its Backup page: "Copy to this
// computer" on the device's memory card backups, the copy's live progress and cancel, how it ended, and
// "Copy a backup from this computer" onto the device's card.
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { CallResult, DeviceState } from '../../main/ipc/contract';
import { ApiError } from '../../renderer/api';
import { DeviceProvider } from '../../renderer/DeviceContext';
import { BackupPage } from '../../renderer/pages/BackupPage';
import { backupPage, fakeApi, never } from './fakeApi';

const noop = () => {};
const phone = { id: 'defaultuser@192.168.2.15', host: '192.168.2.15', user: 'defaultuser', port: 22 };
const connected: DeviceState = { device: phone, state: 'connected' };
const card = '/run/media/defaultuser/SDCARD';
const name = 'sailfish_backup_2026-11-26T10-00-00Z.tar';
const home = '/home/alice/Sailfish OS backups';

function deviceWithCard(handlers: Parameters<typeof fakeApi>[0]) {
  return fakeApi({
    'devices.list': () => ({ devices: [phone], current: connected }),
    'backup.page': () => backupPage({ accounts: [] }),
    'targets.list': () => ({
      folders: [{ kind: 'drive', path: card, label: 'Memory card SDCARD', size: 32e9, free: 20e9, exists: true }],
      driveSource: 'mountinfo',
    }),
    'backup.listFolder': () => [{ name, date: '2026-11-26T10:00:00.000Z', size: 10_000_000 }],
    ...handlers,
  });
}

function renderPage(fake: ReturnType<typeof fakeApi>) {
  fake.render(
    <DeviceProvider>
      <BackupPage navigate={noop} onBack={noop} />
    </DeviceProvider>,
  );
}

describe('Copying backups between the device and this computer', () => {
  it('copies a memory card backup to this computer with live progress, and says where it went, checked', async () => {
    const user = userEvent.setup();
    let finish: (r: CallResult<'devices.copyToComputer'>) => void = noop;
    let asked: unknown;
    const fake = deviceWithCard({
      'devices.copyToComputer': (args) => {
        asked = args;
        return new Promise((resolve) => (finish = resolve));
      },
    });
    renderPage(fake);
    const list = await screen.findByRole('list', { name: /^Backups on Memory card SDCARD/ });
    await user.click(within(list).getByRole('button', { name: `Copy to this computer: ${name}` }));
    expect(asked).toMatchObject({ folder: card, name });
    const { copyId } = asked as { copyId: string };
    // Cancel has the focus while the copy runs.
    const cancel = screen.getByRole('button', { name: 'Cancel copy' });
    expect(document.activeElement).toBe(cancel);
    act(() =>
      fake.emit('device.copy', {
        copyId,
        direction: 'toComputer',
        done: 4_000_000,
        total: 10_000_000,
        elapsedMs: 2000,
      }),
    );
    expect(
      screen.getByText('Copying from the device 4.0 MB of 10.0 MB · 2.0 MB/s · 0:03 left', {
        selector: '.status-line',
      }),
    ).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Copy progress' }).getAttribute('aria-valuenow')).toBe('40');
    // Another copy's progress is not this one's.
    act(() =>
      fake.emit('device.copy', { copyId: 'other', direction: 'toComputer', done: 9, total: 10, elapsedMs: 2000 }),
    );
    expect(screen.getByRole('progressbar', { name: 'Copy progress' }).getAttribute('aria-valuenow')).toBe('40');
    await act(async () => {
      finish({ path: `${home}/${name}`, folder: home, size: 10_000_000, sha256: 'a'.repeat(64), recorded: true });
      await Promise.resolve();
    });
    const done = await screen.findByText(
      `Copied ${name} to ${home}, checked: 10.0 MB, the same SHA-256 on both sides, and the checksum the device recorded with the backup.`,
      { selector: '.status-line' },
    );
    expect(screen.queryByRole('button', { name: 'Cancel copy' })).toBeNull();
    // Focus is not lost with the cancel button: it goes to how the copy ended.
    expect(document.activeElement?.contains(done)).toBe(true);
    expect(within(list).getByRole('button', { name: `Copy to this computer: ${name}` })).toHaveProperty(
      'disabled',
      false,
    );
  });

  it('cancels a copy, and says a failed copy in words with what to do', async () => {
    const user = userEvent.setup();
    let fail: (err: unknown) => void = noop;
    const fake = deviceWithCard({
      'devices.copyToComputer': () => new Promise((_resolve, reject) => (fail = reject)),
      'devices.cancelCopy': () => null,
    });
    renderPage(fake);
    const list = await screen.findByRole('list', { name: /^Backups on Memory card SDCARD/ });
    await user.click(within(list).getByRole('button', { name: `Copy to this computer: ${name}` }));
    // One copy at a time.
    expect(within(list).getByRole('button', { name: `Copy to this computer: ${name}` })).toHaveProperty(
      'disabled',
      true,
    );
    await user.click(screen.getByRole('button', { name: 'Cancel copy' }));
    const cancelCall = fake.calls.find(([n]) => n === 'devices.cancelCopy');
    const startCall = fake.calls.find(([n]) => n === 'devices.copyToComputer');
    expect(cancelCall?.[1]).toEqual([(startCall?.[1][0] as { copyId: string }).copyId]);
    await act(async () => {
      fail(
        new ApiError({
          message: 'The copy was cancelled; nothing of it was kept.',
          problem: { kind: 'cancelled', message: 'The copy was cancelled; nothing of it was kept.' },
        }),
      );
      await Promise.resolve();
    });
    expect((await screen.findByRole('alert')).textContent).toBe('Copy cancelled; nothing was kept.');

    // Again, and the connection breaks: the cause, and what to do.
    await user.click(within(list).getByRole('button', { name: `Copy to this computer: ${name}` }));
    await act(async () => {
      fail(new ApiError({ message: 'Reading the file on the device failed: Connection closed' }));
      await Promise.resolve();
    });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(
      `Could not copy ${name}: Reading the file on the device failed: Connection closed Check that the device is still connected and has room, then copy again.`,
    );
  });

  it('offers no copy on this computer’s own page', async () => {
    const fake = fakeApi({
      'devices.list': () => ({ devices: [], current: { device: null, state: 'local' } }),
      'backup.page': () => backupPage({ accounts: [] }),
      'targets.list': () => ({
        folders: [{ kind: 'home', path: home, label: 'This computer', size: null, free: null, exists: true }],
        driveSource: 'mountinfo',
      }),
      'backup.listFolder': () => [{ name, date: '2026-11-26T10:00:00.000Z', size: 10_000_000 }],
    });
    renderPage(fake);
    await screen.findByRole('list', { name: /^Backups on This computer/ });
    expect(screen.queryByRole('button', { name: /Copy to this computer/ })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Copy a backup from this computer' })).toBeNull();
  });

  it('copies a backup of this computer onto the device’s memory card', async () => {
    const user = userEvent.setup();
    let asked: unknown;
    const fake = deviceWithCard({
      'devices.computerBackups': () => [
        { folder: home, label: 'This computer', name, date: '2026-11-26T10:00:00.000Z', size: 10_000_000 },
      ],
      'devices.copyToDevice': (args) => {
        asked = args;
        return { path: `${card}/${name}`, folder: card, size: 10_000_000, sha256: 'b'.repeat(64) };
      },
    });
    renderPage(fake);
    await user.click(await screen.findByRole('button', { name: 'Copy a backup from this computer' }));
    const mine = await screen.findByRole('list', { name: 'Backups on this computer' });
    await user.click(within(mine).getByRole('button', { name: `Copy to Memory card SDCARD: ${name}` }));
    expect(asked).toMatchObject({ folder: home, name, to: card });
    expect(
      await screen.findByText(
        `Copied ${name} to ${card} on the device, checked: 10.0 MB, the same SHA-256 on both sides.`,
      ),
    ).toBeTruthy();
    // The card's list is read again, to show the copy there.
    const listings = fake.calls.filter(([n, a]) => n === 'backup.listFolder' && a[0] === card);
    expect(listings.length).toBeGreaterThanOrEqual(2);
  });

  it('says when the device has no memory card to copy to', async () => {
    const user = userEvent.setup();
    const fake = deviceWithCard({
      'targets.list': () => ({ folders: [], driveSource: 'mountinfo' }),
      'devices.computerBackups': never,
    });
    renderPage(fake);
    await user.click(await screen.findByRole('button', { name: 'Copy a backup from this computer' }));
    expect(await screen.findByText(/The device has no memory card it can write to/)).toBeTruthy();
  });
});
