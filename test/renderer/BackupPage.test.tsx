// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { BackupPage } from '../../renderer/pages/BackupPage';
import { account, backupPage, fakeApi, never } from './fakeApi';

const noop = () => {};

describe('Backup page', () => {
  it('shows that it is loading', () => {
    const { render } = fakeApi({ 'backup.page': () => never() });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect(screen.getByRole('main').getAttribute('aria-busy')).toBe('true');
    expect(screen.getByText('Loading…')).toBeTruthy();
  });

  it('shows why it cannot load', async () => {
    const { render } = fakeApi({
      'backup.page': () => Promise.reject(new Error('The backup service is not answering')),
    });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect((await screen.findByRole('alert')).textContent).toContain('The backup service is not answering');
  });

  it('offers to create an account when there is none', async () => {
    const navigate = vi.fn();
    const { render } = fakeApi({ 'backup.page': () => backupPage({ accounts: [] }) });
    render(<BackupPage navigate={navigate} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Add cloud account' }));
    expect(navigate).toHaveBeenCalledWith({ page: 'account', accountId: null });
    expect(screen.queryByRole('button', { name: 'Back up now' })).toBeNull();
  });

  it('backs up now and shows the live stage, bytes, rate and time left, then Finished', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [],
      'backup.start': () => null,
      'backup.cancel': () => null,
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    expect(await screen.findByText('No previous backups found')).toBeTruthy();
    expect(screen.getByText(/will be backed up: Documents/)).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Back up now' }));
    expect(fake.calls).toContainEqual(['backup.start', [1]]);
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Back up now' }).disabled).toBe(true);

    act(() =>
      fake.emit('vault.state', {
        status: 'Preparing',
        statusText: 'Backing up: Documents',
        progress: 0,
        canCancel: true,
        error: '',
      }),
    );
    expect(screen.getByText('Backing up: Documents')).toBeTruthy();
    act(() =>
      fake.emit('vault.state', {
        status: 'UploadingBackup',
        statusText: 'Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left',
        progress: 0.234,
        canCancel: true,
        error: '',
      }),
    );
    expect(screen.getByText('Uploading 120 MB of 512 MB · 48 MB/s · 0:08 left')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Backup progress' }).getAttribute('aria-valuenow')).toBe('23');
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(fake.calls).toContainEqual(['backup.cancel', []]);

    act(() => fake.emit('vault.operation', { kind: 'backup', accountId: 1, status: 'Finished' }));
    expect(screen.getByText('Finished')).toBeTruthy();
    expect(screen.queryByRole('progressbar')).toBeNull();
    await waitFor(() => expect(fake.calls.filter(([c]) => c === 'backup.list')).toHaveLength(2));
  });

  it('shows a failed backup in red with the cause in plain words', async () => {
    const fake = fakeApi({ 'backup.page': () => backupPage(), 'backup.list': () => [], 'backup.start': () => null });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await userEvent.click(await screen.findByRole('button', { name: 'Back up now' }));
    act(() =>
      fake.emit('vault.operation', {
        kind: 'backup',
        accountId: 1,
        status: 'Error',
        error: 'Cannot connect to cloud service cloud.example.com (ECONNREFUSED).',
      }),
    );
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain(
      'Unable to connect. An internet connection is needed to back up to cloud services.',
    );
    expect(alert.textContent).toContain('ECONNREFUSED');
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

  it('says when the server cannot be reached for the list', async () => {
    const { render } = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => Promise.reject(new Error('Cannot connect to cloud service cloud.example.com (ENOTFOUND).')),
    });
    render(<BackupPage navigate={noop} onBack={noop} />);
    expect((await screen.findByRole('alert')).textContent).toContain('Home cloud: Cannot connect to cloud service');
  });

  it('turns on automatic backups to an account with the chosen schedule', async () => {
    const fake = fakeApi({
      'backup.page': () => backupPage(),
      'backup.list': () => [],
      'backup.setAuto': (accountId, auto) => backupPage({ autoAccountId: accountId, autoBackup: auto }),
    });
    fake.render(<BackupPage navigate={noop} onBack={noop} />);
    await userEvent.selectOptions(await screen.findByLabelText('Automatically back up to'), String(account.id));
    expect(fake.calls).toContainEqual([
      'backup.setAuto',
      [1, { frequency: 'daily', day: 1, time: '02:00', connection: 'wlan' }],
    ]);
    await userEvent.selectOptions(await screen.findByLabelText('Back up'), 'weekly');
    await userEvent.selectOptions(await screen.findByLabelText('Day'), '5');
    expect(fake.calls.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'weekly', day: 5, time: '02:00', connection: 'wlan' }],
    ]);
    await userEvent.selectOptions(screen.getByLabelText('Connection'), 'any');
    expect(fake.calls.at(-1)).toEqual([
      'backup.setAuto',
      [1, { frequency: 'weekly', day: 5, time: '02:00', connection: 'any' }],
    ]);
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
    expect(await screen.findByText('Uploading 3.0 MB of 6.0 MB')).toBeTruthy();
    expect(screen.getByRole('progressbar', { name: 'Backup progress' }).getAttribute('aria-valuenow')).toBe('50');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Back up now' }).disabled).toBe(true);
  });
});
