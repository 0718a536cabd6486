// @vitest-environment jsdom
import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import { AccountEditorPage } from '../../renderer/pages/accounts/AccountEditorPage';
import { AccountsPage } from '../../renderer/pages/accounts/AccountsPage';
import { account, fakeApi, never } from './fakeApi';

const noop = () => {};
const providers = [
  { id: 'nextcloud', name: 'Nextcloud', description: 'Nextcloud server account', icon: '' },
  { id: 'webdav', name: 'WebDAV', description: 'Any WebDAV server', icon: '' },
];

describe('Accounts page', () => {
  it('is loading, then empty, with the providers to add', async () => {
    const { render } = fakeApi({ 'accounts.list': () => [], 'providers.list': () => providers });
    render(<AccountsPage navigate={noop} onBack={noop} />);
    expect(await screen.findByText(/No accounts yet/)).toBeTruthy();
    expect(screen.getByRole('button', { name: /Nextcloud/ })).toBeTruthy();
  });

  it('shows loading while the list is on its way, and errors when it fails', async () => {
    const first = fakeApi({ 'accounts.list': () => never(), 'providers.list': () => providers });
    const { unmount } = first.render(<AccountsPage navigate={noop} onBack={noop} />);
    expect(screen.getByText('Loading…')).toBeTruthy();
    unmount();
    const second = fakeApi({
      'accounts.list': () => Promise.reject(new Error('The accounts database is damaged')),
      'providers.list': () => providers,
    });
    second.render(<AccountsPage navigate={noop} onBack={noop} />);
    expect((await screen.findByRole('alert')).textContent).toContain('damaged');
  });

  it('lists accounts and removes one only after a confirmation', async () => {
    const fake = fakeApi({
      'accounts.list': () => [account],
      'providers.list': () => providers,
      'accounts.remove': () => null,
    });
    fake.render(<AccountsPage navigate={noop} onBack={noop} />);
    expect(await screen.findByText('Home cloud')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Remove Home cloud' }));
    expect(fake.calls.some(([c]) => c === 'accounts.remove')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Remove Home cloud' }));
    expect(fake.calls).toContainEqual(['accounts.remove', [1]]);
  });
});

describe('Adding an account', () => {
  const defaults = (args: { provider: string; serverAddress: string; username: string }) => ({
    webdavPath: `/remote.php/dav/files/${args.username}`,
    backupsPath: `/remote.php/dav/files/${args.username}/Sailfish OS/Backups`,
  });

  it('checks the server address as the user types', async () => {
    const { render } = fakeApi({ 'providers.list': () => providers, 'accounts.defaults': defaults });
    render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    await userEvent.type(screen.getByLabelText('Server address'), 'ftp://cloud.example.com');
    expect(screen.getByRole('alert').textContent).toContain('must start with https:// or http://');
    await userEvent.clear(screen.getByLabelText('Server address'));
    await userEvent.type(screen.getByLabelText('Server address'), 'https://cloud.example.com');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("fills the advanced dialog with Sailfish's defaults, validates paths, and saves the chosen backups path", async () => {
    const onDone = vi.fn();
    const fake = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': (input) => ({ ...account, backupsPath: input.backupsPath ?? '' }),
    });
    fake.render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={onDone} onBack={noop} />);
    await userEvent.type(screen.getByLabelText('Server address'), 'https://cloud.example.com');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await waitFor(() => expect(fake.calls.some(([c]) => c === 'accounts.defaults')).toBe(true));
    await new Promise((r) => setTimeout(r, 20));
    await userEvent.click(screen.getByRole('button', { name: 'Advanced settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Advanced settings' });
    expect(dialog).toBeTruthy();
    const backups = screen.getByLabelText<HTMLInputElement>('Backups path');
    expect(backups.value).toBe('/remote.php/dav/files/alice/Sailfish OS/Backups');
    expect(screen.getByLabelText<HTMLInputElement>('WebDAV path').value).toBe('/remote.php/dav/files/alice');
    await userEvent.clear(backups);
    await userEvent.type(backups, '/remote.php/dav/files/alice/../bob');
    expect(screen.getByRole('alert').textContent).toContain('cannot contain');
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Accept' }).disabled).toBe(true);
    await userEvent.clear(backups);
    await userEvent.type(backups, '/remote.php/dav/files/alice/Phone');
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    const add = fake.calls.find(([c]) => c === 'accounts.add');
    expect(add?.[1][0]).toMatchObject({
      provider: 'nextcloud',
      serverAddress: 'https://cloud.example.com',
      username: 'alice',
      password: 'pw',
      backupsPath: '/remote.php/dav/files/alice/Phone',
      webdavPath: '/remote.php/dav/files/alice',
      ignoreSslErrors: false,
    });
    expect(onDone).toHaveBeenCalled();
  });

  it('shows what the engine refused', async () => {
    const { render } = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': () => Promise.reject(new Error('Unknown backup provider "nextcloud"')),
    });
    render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    await userEvent.type(screen.getByLabelText('Server address'), 'cloud.example.com');
    await userEvent.type(screen.getByLabelText('Username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Unknown backup provider');
  });
});
