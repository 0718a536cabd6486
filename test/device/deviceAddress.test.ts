// Device addresses end up on ssh's command line: only plain user, host and port pass, nothing that could
// read as an option or a shell word; the remembered devices hold no more than that.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { deviceLabel, parseDeviceAddress } from '../../main/device/deviceAddress.js';
import { DeviceStore } from '../../main/device/DeviceStore.js';
import { deviceBusPath } from '../../main/device/SshLink.js';
import { shellQuote } from '../../main/device/sshCommand.js';

describe('device addresses', () => {
  it('reads [user@]host[:port], IPv6 in brackets', () => {
    expect(parseDeviceAddress('defaultuser@192.168.2.15')).toEqual({ user: 'defaultuser', host: '192.168.2.15' });
    expect(parseDeviceAddress('nemo@phone.local:2222')).toEqual({ user: 'nemo', host: 'phone.local', port: 2222 });
    expect(parseDeviceAddress('192.168.2.15')).toEqual({ host: '192.168.2.15' });
    expect(parseDeviceAddress('u@[fe80::1]:22')).toEqual({ user: 'u', host: 'fe80::1', port: 22 });
    expect(deviceLabel({ user: 'u', host: 'fe80::1', port: 2022 })).toBe('u@[fe80::1]:2022');
    expect(deviceLabel({ user: 'defaultuser', host: '192.168.2.15', port: 22 })).toBe('defaultuser@192.168.2.15');
  });

  it('refuses what ssh could take for an option or a shell could expand', () => {
    for (const bad of [
      '-oProxyCommand=touch /tmp/x',
      'u@-oProxyCommand=x',
      '-l@host',
      'u@host;rm',
      'u@host name',
      'u@$(id)',
      'u@host:0',
      'u@host:70000',
      'u@host:22x',
      '',
      "u'@host",
    ])
      expect(() => parseDeviceAddress(bad), bad).toThrow();
  });

  it('quotes remote words so the device shell reads them back as they are', () => {
    expect(shellQuote("it's $(here)")).toBe(`'it'\\''s $(here)'`);
    expect(deviceBusPath('unix:path=/run/user/100000/dbus/user_bus_socket')).toBe(
      '/run/user/100000/dbus/user_bus_socket',
    );
    expect(deviceBusPath('/run/user/1000/bus')).toBe('/run/user/1000/bus');
    expect(() => deviceBusPath('tcp:host=1.2.3.4,port=5')).toThrow(/unix:path/);
    expect(() => deviceBusPath('relative/bus')).toThrow();
  });
});

describe('remembered devices', () => {
  it('keeps host, user and port only, owner-only, newest first, and reads a damaged file as none', () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'sfb-devices-')), 'devices.json');
    const store = new DeviceStore(file);
    expect(store.list()).toEqual([]);
    store.remember({ host: '192.168.2.15', user: 'defaultuser', port: 22 });
    store.remember({ host: 'phone.local', user: 'nemo', port: 2222 });
    store.remember({ host: '192.168.2.15', user: 'defaultuser', port: 22 });
    expect(store.list().map((d) => d.id)).toEqual(['defaultuser@192.168.2.15', 'nemo@phone.local:2222']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { devices: Array<Record<string, unknown>> };
    expect(Object.keys(saved.devices[0]!)).toEqual(['host', 'user', 'port']);
    expect(() => store.remember({ host: '-oProxyCommand=x', user: 'u', port: 22 })).toThrow();
    store.forget('nemo@phone.local:2222');
    expect(store.list().map((d) => d.id)).toEqual(['defaultuser@192.168.2.15']);
    writeFileSync(file, '{"devices":[{"host":"-oX","user":"u","port":22},{"host":"ok","user":"u","port":22}]}');
    expect(store.list().map((d) => d.id)).toEqual(['u@ok']);
    writeFileSync(file, 'not json');
    expect(store.list()).toEqual([]);
  });
});
