// The text of the service files: each format's own quoting, and what changes with systemd.
import { describe, expect, it } from 'vitest';
import {
  autostartEntry,
  dbusServiceFile,
  desktopExecQuote,
  systemdQuote,
  systemdUnit,
  type ServiceSpec,
} from '../../main/service/serviceFiles.js';

const GDBUS = '/usr/bin/gdbus';
const spec = (systemd: boolean, gdbus: string | undefined): ServiceSpec => ({
  program: {
    node: '/opt/node 20/bin/node',
    script: '/home/al/app/bin/sfbackup.js',
    globalArgs: ['--data-dir', `/home/al/Al's "Backups"`],
    env: { ACCOUNTS: '/home/al/accounts' },
  },
  daemon: { exitWhenIdleSeconds: 600, notifyFinished: true },
  systemd,
  gdbus,
});

describe('service files', () => {
  it('quote paths for systemd and desktop entries', () => {
    expect(systemdQuote('/a b/100%/$x/"q"\\')).toBe('"/a b/100%%/$$x/\\"q\\"\\\\"');
    expect(desktopExecQuote('/a b/100%/$x/"q"\\')).toBe('"/a b/100%%/\\\\$x/\\\\"q\\\\"\\\\\\\\"');
  });

  it('start the daemon through systemd when a user session runs, and the second name through the first', () => {
    const msyncd = dbusServiceFile('com.meego.msyncd', spec(true, GDBUS));
    expect(msyncd).toContain('Name=com.meego.msyncd\n');
    expect(msyncd).toContain(
      "Exec='/usr/bin/env' 'ACCOUNTS=/home/al/accounts' '/opt/node 20/bin/node' '/home/al/app/bin/sfbackup.js' '--data-dir' '/home/al/Al'\\\\''s \"Backups\"' 'daemon' '--exit-when-idle' '600' '--notify-finished'\n",
    );
    expect(msyncd).toContain('SystemdService=sfbackup-daemon.service\n');
    const vault = dbusServiceFile('org.sailfishos.backup', spec(false, GDBUS));
    expect(vault).toContain(
      "Exec='/usr/bin/gdbus' 'wait' '--session' '--activate' 'com.meego.msyncd' '--timeout' '120' 'org.sailfishos.backup'\n",
    );
    expect(vault).not.toContain('SystemdService');
    // Without gdbus both names run the daemon, which yields to one already starting.
    expect(dbusServiceFile('org.sailfishos.backup', spec(false, undefined))).toContain("'daemon' '--exit-when-idle'");
  });

  it('carry the environment that picks the accounts database', () => {
    const unit = systemdUnit(spec(true, GDBUS));
    expect(unit).toContain('Environment="ACCOUNTS=/home/al/accounts"\n');
    expect(unit).toContain(
      `ExecStart="/opt/node 20/bin/node" "/home/al/app/bin/sfbackup.js" "--data-dir" "/home/al/Al's \\"Backups\\"" "daemon"`,
    );
    expect(unit).toContain('BusName=org.sailfishos.backup\n');
    expect(autostartEntry(spec(false, GDBUS))).toContain(
      'Exec="/usr/bin/env" "ACCOUNTS=/home/al/accounts" "/opt/node 20/bin/node"',
    );
  });
});
