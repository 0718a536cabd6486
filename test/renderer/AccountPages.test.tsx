// @vitest-environment jsdom
import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import type { AccountSave, AccountView } from '../../main/ipc/contract';
import { AccountEditorPage } from '../../renderer/pages/accounts/AccountEditorPage';
import { AccountsPage } from '../../renderer/pages/accounts/AccountsPage';
import { account, fakeApi, never } from './fakeApi';

const noop = () => {};
const providers = [
  { id: 'nextcloud', name: 'Nextcloud', description: 'Nextcloud server account', icon: '' },
  { id: 'webdav', name: 'WebDAV', description: 'Any WebDAV server', icon: '' },
];
const defaults = (args: { provider: string; serverAddress: string; username: string }) => ({
  webdavPath: `/remote.php/dav/files/${args.username}`,
  backupsPath: `/remote.php/dav/files/${args.username}/Sailfish OS/Backups`,
});
const saved = (a: AccountView): AccountSave => ({ account: a, signIn: { state: 'ok' } });

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

  it('removes an account only after a confirmation, focus on Keep, and back on Remove after Keep', async () => {
    const fake = fakeApi({
      'accounts.list': () => [account],
      'providers.list': () => providers,
      'accounts.remove': () => null,
    });
    fake.render(<AccountsPage navigate={noop} onBack={noop} />);
    expect(await screen.findByText('Home cloud')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Remove Home cloud' }));
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Keep' }));
    await userEvent.keyboard('{Enter}');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Remove Home cloud' }));
    await userEvent.click(screen.getByRole('button', { name: 'Remove Home cloud' }));
    expect(fake.calls.some(([c]) => c === 'accounts.remove')).toBe(false);
    await userEvent.click(screen.getByRole('button', { name: 'Remove Home cloud' }));
    expect(fake.calls).toContainEqual(['accounts.remove', [1]]);
  });

  it('marks accounts whose sign-in failed or whose password needs an update, with the way to fix them', async () => {
    const navigate = vi.fn();
    const broken: AccountView = {
      ...account,
      id: 2,
      name: 'Work',
      serverAddress: 'https://work.example.com',
      signIn: {
        state: 'failed',
        at: '2026-11-26T10:00:00.000Z',
        source: 'backup',
        problem: { kind: 'unknown-host', field: 'server', message: 'not found', detail: 'ENOTFOUND' },
      },
    };
    const stale: AccountView = { ...account, id: 3, name: 'Old', credentialsNeedUpdate: true, signIn: null };
    const offline: AccountView = {
      ...account,
      id: 4,
      name: 'Later',
      signIn: { state: 'unchecked', at: '2026-11-26T10:00:00.000Z', source: 'sign-in' },
    };
    const fake = fakeApi({
      'accounts.list': () => [account, broken, stale, offline],
      'providers.list': () => providers,
      'accounts.check': () => ({ state: 'ok', at: '2026-11-26T10:01:00.000Z', source: 'sign-in' }),
    });
    fake.render(<AccountsPage navigate={navigate} onBack={noop} />);
    const rows = await screen.findAllByRole('listitem');
    expect(within(rows[0]!).queryByRole('alert')).toBeNull();
    expect(within(rows[1]!).getByRole('alert').textContent).toContain(
      'The server name work.example.com was not found.',
    );
    await userEvent.click(
      within(rows[1]!).getByRole('button', { name: 'Check the server address in the account’s settings.' }),
    );
    expect(navigate).toHaveBeenLastCalledWith({ page: 'account', accountId: 2, focus: 'server' });
    await userEvent.click(within(rows[1]!).getByRole('button', { name: 'Sign in again to Work' }));
    expect(fake.calls).toContainEqual(['accounts.check', [{ accountId: 2 }]]);
    expect(within(rows[2]!).getByRole('alert').textContent).toContain('The server refused the password for alice.');
    await userEvent.click(within(rows[2]!).getByRole('button', { name: 'Update it in the account’s settings.' }));
    expect(navigate).toHaveBeenLastCalledWith({ page: 'account', accountId: 3, focus: 'credentials' });
    expect(rows[3]!.textContent).toContain('Not signed in yet');
    await userEvent.click(within(rows[3]!).getByRole('button', { name: 'Sign in now' }));
    expect(fake.calls).toContainEqual(['accounts.check', [{ accountId: 4 }]]);
  });
});

describe('Adding an account', () => {
  const fill = async (server = 'https://cloud.example.com', user = 'alice') => {
    await userEvent.type(screen.getByLabelText('Server address'), server);
    await userEvent.type(screen.getByLabelText('Username'), user);
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
  };

  it('checks the server address as the user types, with the rules the engine applies', async () => {
    const { render } = fakeApi({ 'providers.list': () => providers, 'accounts.defaults': defaults });
    render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    const server = screen.getByLabelText('Server address');
    await userEvent.type(server, 'ftp://cloud.example.com');
    expect(screen.getByRole('alert').textContent).toContain('must start with https:// or http://');
    await userEvent.clear(server);
    await userEvent.type(server, 'foo bar');
    expect(screen.getByRole('alert').textContent).toContain('is not a valid server address');
    await userEvent.clear(server);
    await userEvent.type(server, 'https://cloud.example.com');
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it("fills the advanced dialog with Sailfish's defaults, validates paths, and saves the chosen backups path", async () => {
    const onDone = vi.fn();
    const fake = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': (input) => saved({ ...account, backupsPath: input.backupsPath ?? '' }),
    });
    fake.render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={onDone} onBack={noop} />);
    await fill();
    await waitFor(() => expect(fake.calls.some(([c]) => c === 'accounts.defaults')).toBe(true));
    await userEvent.click(screen.getByRole('button', { name: 'Advanced settings' }));
    const dialog = screen.getByRole('dialog', { name: 'Advanced settings' });
    const backups = within(dialog).getByLabelText<HTMLInputElement>('Backups path');
    await waitFor(() => expect(backups.value).toBe('/remote.php/dav/files/alice/Sailfish OS/Backups'));
    expect(within(dialog).getByLabelText<HTMLInputElement>('WebDAV path').value).toBe('/remote.php/dav/files/alice');
    expect(dialog.textContent).toContain('the path starts at the server root, with or without a leading “/”');
    await userEvent.clear(backups);
    await userEvent.type(backups, '/remote.php/dav/files/alice/../bob');
    expect(within(dialog).getByRole('alert').textContent).toContain('cannot contain');
    expect(within(dialog).getByRole<HTMLButtonElement>('button', { name: 'Accept' }).disabled).toBe(true);
    await userEvent.clear(backups);
    await userEvent.type(backups, '/remote.php/dav/files/alice/Phone{Enter}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Advanced settings' }));
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
      offline: false,
    });
    expect(onDone).toHaveBeenCalled();
  });

  it('keeps the dialog modal: Tab wraps inside it, Escape cancels, focus returns to its button', async () => {
    const { render } = fakeApi({ 'providers.list': () => providers, 'accounts.defaults': defaults });
    render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    await fill();
    const opener = screen.getByRole('button', { name: 'Advanced settings' });
    await userEvent.click(opener);
    const dialog = screen.getByRole('dialog', { name: 'Advanced settings' });
    expect(document.activeElement).toBe(within(dialog).getByLabelText('WebDAV path'));
    const inside = () => dialog.contains(document.activeElement);
    const seen = new Set<string>();
    for (let i = 0; i < 8; i++) {
      await userEvent.tab();
      expect(inside()).toBe(true);
      seen.add((document.activeElement as HTMLElement).textContent || (document.activeElement as HTMLInputElement).id);
    }
    expect(seen).toContain('Accept');
    expect(seen).toContain('Cancel');
    await userEvent.tab({ shift: true });
    expect(inside()).toBe(true);
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('paths the user never edited follow the user name', async () => {
    const fake = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': (input) => saved({ ...account, webdavPath: input.webdavPath ?? '' }),
    });
    fake.render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    await fill('https://cloud.example.com', 'bob');
    await userEvent.click(screen.getByRole('button', { name: 'Advanced settings' }));
    await waitFor(() =>
      expect(screen.getByLabelText<HTMLInputElement>('WebDAV path').value).toBe('/remote.php/dav/files/bob'),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Accept' }));
    const user = screen.getByLabelText('Username');
    await userEvent.clear(user);
    await userEvent.type(user, 'carol');
    await waitFor(() => expect(screen.getByText(/Backups go to \/remote.php\/dav\/files\/carol\//)).toBeTruthy());
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(fake.calls.find(([c]) => c === 'accounts.add')?.[1][0]).toMatchObject({
      username: 'carol',
      webdavPath: '/remote.php/dav/files/carol',
      backupsPath: '/remote.php/dav/files/carol/Sailfish OS/Backups',
    });
  });

  it('shows a refused password at the password field, focused, and saves nothing', async () => {
    const onDone = vi.fn();
    const fake = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': () => ({
        account: null,
        signIn: {
          state: 'failed',
          problem: {
            kind: 'auth',
            field: 'credentials',
            message: 'The server cloud.example.com refused the user name or password.',
            detail: 'HTTP 401 Unauthorized while checking the folder /remote.php/dav/files/alice',
            httpStatus: 401,
          },
        },
      }),
    });
    fake.render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={onDone} onBack={noop} />);
    await fill();
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    const password = screen.getByLabelText('Password');
    await waitFor(() => expect(document.activeElement).toBe(password));
    expect(password.getAttribute('aria-invalid')).toBe('true');
    const note = document.getElementById(password.getAttribute('aria-describedby')!)!;
    expect(note.textContent).toContain('The server refused the password for alice. Check the user name and password.');
    expect(screen.queryByRole('button', { name: 'Save anyway' })).toBeNull();
    expect(onDone).not.toHaveBeenCalled();
    await userEvent.type(password, 'x');
    expect(password.getAttribute('aria-invalid')).toBe('false');
  });

  it('offers Save anyway for a server that does not answer, and can stop the sign-in', async () => {
    let answer: (r: AccountSave) => void = () => {};
    const fake = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.cancelCheck': () => null,
      'accounts.add': (input) =>
        input.offline
          ? saved(account)
          : new Promise<AccountSave>((resolve) => {
              answer = resolve;
            }),
    });
    const onDone = vi.fn();
    fake.render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={onDone} onBack={noop} />);
    await fill();
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(screen.getByRole('status').textContent).toBe('Signing in to cloud.example.com…');
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }));
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    const checkId = (fake.calls.find(([c]) => c === 'accounts.add')?.[1][0] as { checkId: string }).checkId;
    expect(fake.calls).toContainEqual(['accounts.cancelCheck', [checkId]]);
    act(() =>
      answer({
        account: null,
        signIn: {
          state: 'failed',
          problem: {
            kind: 'timeout',
            field: 'server',
            message: 'The server cloud.example.com did not answer within 8 s.',
          },
        },
      }),
    );
    const server = screen.getByLabelText('Server address');
    await waitFor(() => expect(document.activeElement).toBe(server));
    expect(document.getElementById(server.getAttribute('aria-describedby')!)!.textContent).toContain(
      'The server cloud.example.com did not answer.',
    );
    await userEvent.click(screen.getByRole('button', { name: 'Save anyway' }));
    expect(fake.calls.filter(([c]) => c === 'accounts.add').at(-1)?.[1][0]).toMatchObject({ offline: true });
    await waitFor(() => expect(onDone).toHaveBeenCalled());
  });

  it('shows what the engine refused', async () => {
    const { render } = fakeApi({
      'providers.list': () => providers,
      'accounts.defaults': defaults,
      'accounts.add': () => Promise.reject(new Error('Unknown backup provider "nextcloud"')),
    });
    render(<AccountEditorPage accountId={null} provider="nextcloud" onDone={noop} onBack={noop} />);
    await fill('cloud.example.com');
    await userEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect((await screen.findByRole('alert')).textContent).toContain('Unknown backup provider');
  });
});
