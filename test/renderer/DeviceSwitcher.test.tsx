// @vitest-environment jsdom
import { act, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import type { DeviceState } from '../../main/ipc/contract';
import { ConnectionBar } from '../../renderer/components/ConnectionBar';
import { DeviceProvider } from '../../renderer/DeviceContext';
import { AccountsPage } from '../../renderer/pages/accounts/AccountsPage';
import { BackupPage } from '../../renderer/pages/BackupPage';
import { SettingsHome } from '../../renderer/pages/SettingsHome';
import { account, backupPage, fakeApi } from './fakeApi';

const noop = () => {};
const phone = { id: 'defaultuser@192.168.2.15', host: '192.168.2.15', user: 'defaultuser', port: 22 };
const connected: DeviceState = { device: phone, state: 'connected' };

describe('Device switcher', () => {
  it('connects to a device with the USB-networking defaults and shows the connection on the page', async () => {
    const user = userEvent.setup();
    let connectedWith: unknown;
    const fake = fakeApi({
      'devices.list': () => ({ devices: [], current: { device: null, state: 'local' } }),
      'devices.connect': (input) => {
        connectedWith = input;
        return connected;
      },
    });
    fake.render(
      <DeviceProvider>
        <ConnectionBar />
        <SettingsHome navigate={noop} />
      </DeviceProvider>,
    );
    const devices = await screen.findByRole('list', { name: 'Devices' });
    expect(
      within(devices)
        .getByRole('button', { name: /This computer/ })
        .getAttribute('aria-current'),
    ).toBe('true');
    await user.click(within(devices).getByRole('button', { name: /Connect to a device/ }));
    const dialog = screen.getByRole('dialog', { name: 'Connect to a device' });
    expect(within(dialog).getByLabelText<HTMLInputElement>('Host').value).toBe('192.168.2.15');
    expect(within(dialog).getByLabelText<HTMLInputElement>('User').value).toBe('defaultuser');
    expect(within(dialog).getByLabelText<HTMLInputElement>('Port').value).toBe('22');
    await user.click(within(dialog).getByRole('button', { name: 'Connect' }));
    expect(connectedWith).toEqual({ host: '192.168.2.15', user: 'defaultuser', port: 22 });
    act(() => fake.emit('device.state', connected));
    const bar = await screen.findByRole('status');
    expect(bar.textContent).toContain('Device defaultuser@192.168.2.15');
    expect(bar.textContent).toContain('Connected');
    act(() =>
      fake.emit('device.state', { device: phone, state: 'lost', message: 'The connection ended. Reconnecting…' }),
    );
    expect(screen.getByRole('status').textContent).toMatch(/Connection lost, reconnecting….*The connection ended/);
  });

  it('says a device’s accounts are added on the device, and offers no account form for it', async () => {
    const fake = fakeApi({
      'devices.list': () => ({ devices: [phone], current: connected }),
      'backup.page': () => backupPage({ accounts: [] }),
      'accounts.list': () => [account],
    });
    const { unmount } = fake.render(
      <DeviceProvider>
        <BackupPage navigate={noop} onBack={noop} />
      </DeviceProvider>,
    );
    expect(await screen.findByText(/add one on the device, in Settings → Accounts/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Add cloud account' })).toBeNull();
    unmount();
    fake.render(
      <DeviceProvider>
        <AccountsPage navigate={noop} onBack={noop} />
      </DeviceProvider>,
    );
    expect(await screen.findByText(/keeps its accounts in its own protected store/)).toBeTruthy();
    expect(await screen.findByText('Home cloud')).toBeTruthy();
    expect(screen.queryByRole('navigation', { name: 'Add account' })).toBeNull();
  });
});
