// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../renderer/api';
import { BackupPage } from '../../renderer/pages/BackupPage';
import { account, backupPage, fakeApi, never } from './fakeApi';
import { pick, pickerRow, pickerValue } from './pickers';

const noop = () => {};
const home = {
  kind: 'home' as const,
  path: '/home/alice/Sailfish OS backups',
  label: 'This computer',
  size: 250e9,
  free: 52.1e9,
  exists: false,
};
const statusLine = () => document.querySelector('.status-line')?.textContent;

describe('Backup page', () => {
  it('shows that it is loading', () => {
    const { render } = fakeApi({ 'backup.page': () => never() });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect(screen.getByRole('main').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading…')).toBeTruthy();
  });

  it('names itself: the heading has focus and the window title says Backup', async () => {
    const { render } = fakeApi({ 'backup.page': () => backupPage(), 'backup.list': () => [] });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Backup', level: 1 }));
    expect(document.title).toBe('Backup · Settings');
    expect(await screen.findByText('No previous backups found')).toBeTruthy();
  });

  it('names every damaged file, and leads to the field that fixes a damaged account setting', async () => {
    const navigate = vi.fn();
    const { render } = fakeApi({
      'backup.list': () => [],
      'backup.page': () =>
        backupPage({
          problems: [
            {
              kind: 'account-setting',
              file: '/data/accounts/accounts.db',
              accountId: 1,
              key: 'webdav_path',
              message: 'Account 1 (alice): the stored webdav_path is damaged and not used (not a string).',
            },
            { kind: 'units', file: '/data/units.json', message: 'The backup units file /data/units.json is damaged.' },
          ],
        }),
    });
    render(<BackupPage navigate={navigate} onBack={noop} />);
    const section = await screen.findByRole('region', { name: 'Damaged files' });
    expect(within(section).getByText(/the stored webdav_path is damaged/)).toBeTruthy();
    expect(within(section).getByText(/units\.json is damaged/)).toBeTruthy();
    await userEvent.click(within(section).getByRole('button', { name: 'Fix in the account’s settings' }));
    expect(navigate).toHaveBeenCalledWith({ page: 'account', accountId: 1, focus: 'webdavPath' });
  });

  it('shows why it cannot load', async () => {
    const { render } = fakeApi({
      'backup.page': () => Promise.reject(new Error('The backup service is not answering')),
    });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect((await screen.findByRole('alert')).textContent).toContain('The backup service is not answering');
  });

  it('offers to create an account when there is none, and backs up to this computer without one', async () => {
    const navigate = vi.fn();
    const fake = fakeApi({
      'backup.page': () => backupPage({ accounts: [] }),
      'targets.list': () => ({ folders: [home], driveSource: 'mountinfo' }),
      'backup.toFolder': () => ({ file: `${home.path}/sailfish_backup_2026-11-26T10-00-00Z.tar`, created: true }),
    });
    fake.render(<BackupPage navigate={navigate} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add cloud account' }));
    expect(navigate).toHaveBeenCalledWith({ page: 'account', accountId: null });
    expect(screen.getByText('Back up now to a cloud account or memory card')).toBeTruthy();
    const picker = await screen.findByRole('button', { name: /^Manually back up to This computer 52\.1 GB$/ });
    expect(picker).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(fake.calls).toContainEqual(['backup.toFolder', [home.path]]);
    expect(await screen.findByText(`Made the folder ${home.path} for your backups.`)).toBeTruthy();
  });

  it('backs up now: the button gives way to the progress, focus to its cancel button, then back', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [],
      'backup.start': () => null,
      'backup.cancel': () => null,
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    expect(await screen.findByText('No previous backups found')).toBeTruthy();
    expect(screen.getAllByText(/will be backed up: Documents/).length).toBeGreaterThan(0);
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(fake.calls).toContainEqual(['backup.start', [1]]);
    expect(screen.queryByRole('button', { name: 'Back up now' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel backup' }));

    act(() =>
      fake.emit('vault.state', {
        status: 'Preparing',
        statusText: 'Backing up: Documents',
        progress: 0,
        canCancel: true,
        error: '',
      }),
    );
    expect(statusLine()).toBe('Backing up: Documents');
    act(() =>
      fake.emit('vault.state', {
        status: 'UploadingBackup',
        statusText: 'Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left',
        progress: 0.234,
        canCancel: true,
        error: '',
      }),
    );
    expect(statusLine()).toBe('Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left');
    expect(screen.getByRole('progressbar', { name: 'Backup progress' }).getAttribute('aria-valuenow')).toBe('23');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel backup' }));
    expect(fake.calls).toContainEqual(['backup.cancel', []]);

    // The vault's state changes first, then it announces the outcome (as the engine does).
    act(() =>
      fake.emit('vault.state', {
        status: 'Finished',
        statusText: 'Finished',
        progress: 1,
        canCancel: false,
        error: '',
      }),
    );
    act(() => fake.emit('vault.operation', { kind: 'backup', accountId: 1, status: 'Finished' }));
    expect(statusLine()).toBe('Finished');
    expect(screen.queryByRole('progressbar')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Back up now' }));
    await waitFor(() => expect(fake.calls.filter(([c]) => c === 'backup.list')).toHaveLength(2));
  });

  it("starts a new run clean: not the last run's Finished or another account's error", async () => {
    const finished = { status: 'Finished' as const, statusText: 'Finished', progress: 1, canCancel: false, error: '' };
    const fake = fakeApi({
      'backup.page': () => backupPage({ vault: finished }),
      'backup.list': () => [],
      'backup.start': () => never(),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    expect(statusLine()).toBe('Preparing');
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('0');
    act(() =>
      fake.emit('vault.operation', {
        kind: 'backup',
        accountId: 2,
        status: 'Error',
        error: 'The server other.example.com stopped answering.',
      }),
    );
    expect(statusLine()).toBe('Preparing');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('says a failed backup in plain words, with the fix one click away and the detail behind Details', async () => {
    const navigate = vi.fn();
    const fake = fakeApi({ 'backup.page': () => backupPage(), 'backup.list': () => [], 'backup.start': () => null });
    fake.render(<BackupPage navigate={navigate} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    act(() =>
      fake.emit('vault.operation', {
        kind: 'backup',
        accountId: 1,
        status: 'Error',
        error: 'Cannot connect to cloud service cloud.example.com: the server refused the connection.',
        problem: {
          kind: 'refused',
          field: 'server',
          accountId: 1,
          message: 'Cannot connect to cloud service cloud.example.com: the server refused the connection.',
          detail: 'ECONNREFUSED',
        },
      }),
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Nothing answers at cloud.example.com: the server refused the connection.');
    expect(within(alert).getByText('Details')).toBeTruthy();
    expect(alert.querySelector('.technical')?.textContent).toContain('ECONNREFUSED');
    expect(alert.querySelector('.error')?.textContent).not.toContain('ECONNREFUSED');
    await userEvent.click(
      within(alert).getByRole('button', { name: 'Check the server address in the account’s settings.' }),
    );
    expect(navigate).toHaveBeenCalledWith({ page: 'account', accountId: 1, focus: 'server' });
  });

  it('lists the newest backup per account, all of them one tap away, and opens the restore page', async () => {
    const navigate = vi.fn();
    const { render } = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [
        { name: 'sailfish_backup_2026-11-20T08-40-00Z.tar', date: '2026-11-20T08:40:00.000Z' },
        { name: 'sailfish_backup_2026-11-01T08-40-00Z.tar', date: '2026-11-01T08:40:00.000Z' },
      ],
    });
    render(<BackupPage navigate={navigate} onBack={noop} />);
    const list = await screen.findByRole('list', { name: 'Backups on Home cloud' });
    expect(within(list).getAllByRole('button')).toHaveLength(1);
    await userEvent.click(screen.getByRole('button', { name: 'Show all 2 backups on Home cloud' }));
    expect(within(list).getAllByRole('button')).toHaveLength(2);
    await userEvent.click(within(list).getByRole('button', { name: /2026-11-01/ }));
    expect(navigate).toHaveBeenCalledWith({
      page: 'restore',
      accountId: 1,
      file: 'sailfish_backup_2026-11-01T08-40-00Z.tar',
    });
  });

  it('says why an account could not be listed, and refreshes each account on its own', async () => {
    const navigate = vi.fn();
    const slow = { ...account, id: 2, name: 'Slow cloud', serverAddress: 'https://slow.example.com' };
    const { render } = fakeApi({
      'backup.page': () => backupPage({ accounts: [account, slow] }),
      'backup.list': (id) =>
        id === 2
          ? never()
          : Promise.reject(
              new ApiError({
                message: 'The server cloud.example.com refused the user name or password.',
                code: 402,
                problem: { kind: 'auth', field: 'credentials', accountId: 1, message: 'refused', httpStatus: 401 },
              }),
            ),
    });
    render(<BackupPage navigate={navigate} onBack={noop} />);
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Home cloud: The server refused the password for alice.');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh backups on Home cloud' }).disabled).toBe(
      false,
    );
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Refresh backups on Slow cloud' }).disabled).toBe(
      true,
    );
    await userEvent.click(within(alert).getByRole('button', { name: 'Update it in the account’s settings.' }));
    expect(navigate).toHaveBeenCalledWith({ page: 'account', accountId: 1, focus: 'credentials' });
  });

  it('turns on automatic backups to an account with the chosen schedule, through value pickers', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [],
      'backup.setAuto': (accountId, auto) => backupPage({ autoAccountId: accountId, autoBackup: auto }),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await pick('Automatically back up to', 'Home cloud');
    expect(fake.calls).toContainEqual([
      'backup.setAuto',
      [1, { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' }],
    ]);
    expect(pickerValue('Automatically back up to')).toBe('Home cloud');
    await pick('Back up', 'Weekly');
    await pick('Day', 'Friday');
    expect(fake.calls.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'weekly', day: 5, time: '02:00', connection: 'wlan' }],
    ]);
    expect(screen.getByText(/wired \(Ethernet\) connection counts as WLAN/)).toBeTruthy();
    await pick('Connection', 'WLAN or mobile data');
    expect(fake.calls.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'weekly', day: 5, time: '02:00', connection: 'any' }],
    ]);
  });

  it('keeps every schedule change made while an earlier one is still being saved (a slow device)', async () => {
    const pending: Array<() => void> = [];
    const fake = fakeApi({
      'backup.page': () => backupPage({ autoAccountId: 1 }),
      'backup.list': () => [],
      // Each save answers only when the test lets it, as a device over SSH answers late.
      'backup.setAuto': (accountId, auto) =>
        new Promise((resolve) =>
          pending.push(() => resolve(backupPage({ autoAccountId: accountId, autoBackup: auto }))),
        ),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await pick('Back up', 'Weekly');
    // The Day row follows the choice at once, before the save is answered.
    await pick('Day', 'Wednesday');
    await pick('Connection', 'WLAN or mobile data');
    // Saved one after another: the next save is sent only once the one before it was answered.
    for (let n = 0; n < 3; n++) {
      await waitFor(() => expect(pending).toHaveLength(1));
      await act(async () => {
        pending.shift()!();
        await Promise.resolve();
      });
    }
    const saves = fake.calls.filter(([name]) => name === 'backup.setAuto');
    expect(saves).toHaveLength(3);
    expect(saves.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'weekly', day: 3, time: '02:00', connection: 'any' }],
    ]);
    expect(pickerValue('Day')).toBe('Wednesday');
    expect(pickerValue('Connection')).toBe('WLAN or mobile data');
  });

  it('picks a time in a 24-hour time picker with the keyboard', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage({ autoAccountId: 1 }),
      'backup.list': () => [],
      'backup.setAuto': (accountId, auto) => backupPage({ autoAccountId: accountId, autoBackup: auto }),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    const row = await screen.findByRole('button', { name: /^Time / });
    row.focus();
    await userEvent.keyboard('{Enter}');
    const dialog = screen.getByRole('dialog', { name: 'Time' });
    const hour = within(dialog).getByRole('spinbutton', { name: 'Hour' });
    expect(document.activeElement).toBe(hour);
    await userEvent.keyboard('20');
    expect(hour.getAttribute('aria-valuenow')).toBe('20');
    await userEvent.tab();
    expect(document.activeElement).toBe(within(dialog).getByRole('spinbutton', { name: 'Minute' }));
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(fake.calls.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'daily', day: 1, time: '20:58', connection: 'wlan' }],
    ]);
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: /^Time / }));
  });

  it('opens a value picker with the keyboard and closes it with Escape, focus back on its row', async () => {
    const { render } = fakeApi({ 'backup.page': () => backupPage({ autoAccountId: 1 }), 'backup.list': () => [] });
    render(<BackupPage navigate={noop} onBack={noop} />);
    await screen.findByText('No previous backups found');
    const row = pickerRow('Back up');
    row.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(row.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement?.getAttribute('role')).toBe('option');
    expect(document.activeElement?.textContent).toBe('Daily');
    await userEvent.keyboard('{ArrowDown}');
    expect(document.activeElement?.textContent).toBe('Weekly');
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('listbox')).toBeNull();
    expect(document.activeElement).toBe(row);
  });

  it('shows a backup that was already running when the page opened', async () => {
    const running = {
      status: 'UploadingBackup' as const,
      statusText: 'Uploading 3.0 MB of 6.0 MB',
      progress: 0.5,
      canCancel: true,
      error: '',
    };
    const { render } = fakeApi({
      'backup.page': () => backupPage({ vault: running, autoAccountId: 1 }),
      'backup.list': () => [],
    });
    render(<BackupPage navigate={noop} onBack={noop} />);
    await waitFor(() => expect(statusLine()).toBe('Uploading 3.0 MB of 6.0 MB'));
    expect(screen.getByRole('progressbar', { name: 'Backup progress' }).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.queryByRole('button', { name: 'Back up now' })).toBeNull();
    // Nobody asked for it here: focus stays where the page put it.
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Backup', level: 1 }));
  });

  it('names the folder Remove buttons with their visible word', async () => {
    const { render } = fakeApi({ 'backup.page': () => backupPage(), 'backup.list': () => [] });
    render(<BackupPage navigate={noop} onBack={noop} />);
    const remove = await screen.findByRole('button', { name: 'Remove Documents' });
    expect(remove.textContent).toBe('Remove');
  });
});
