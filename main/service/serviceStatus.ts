// What `sfbackup service status` and the Backup page say about the background service, in words.

export interface ServiceFileState {
  role: 'unit' | 'msyncd' | 'vault' | 'autostart';
  path: string;
  /** current: ours and starts this program; outdated: ours, for a program that moved; foreign: not ours. */
  state: 'missing' | 'current' | 'outdated' | 'foreign';
}

export interface ServiceStatus {
  /** The D-Bus activation files are in place (the bus can start the daemon on demand). */
  installed: boolean;
  /** …and they start this program, not an older copy somewhere else. */
  current: boolean;
  /** What starts it: the systemd user manager, or the session bus itself. */
  manager: 'systemd' | 'dbus';
  /** It starts at login: the unit is enabled, or the autostart entry is in place. */
  enabled: boolean;
  /** com.meego.msyncd has an owner on the session bus. */
  running: boolean;
  /** …and that owner is the daemon the service starts (not a window running an engine of its own). */
  runningAsService: boolean;
  pid: number | null;
  runningCommand: string | null;
  /** Whether this session has a bus to ask; without one, `running` is unknown and reported false. */
  sessionBus: boolean;
  files: ServiceFileState[];
  /** The status in sentences. */
  summary: string[];
}

export function serviceSummary(s: Omit<ServiceStatus, 'summary'>): string[] {
  const lines: string[] = [];
  if (!s.installed)
    lines.push(
      'The background service is not installed: automatic backups run only while this app or "sfbackup daemon" runs.',
    );
  else if (s.manager === 'systemd')
    lines.push(
      'The background service is installed: systemd starts the daemon (sfbackup-daemon.service) when a program calls it.',
    );
  else lines.push('The background service is installed: the session bus starts the daemon when a program calls it.');
  if (s.installed && !s.current)
    lines.push('Its files start a copy of sfbackup that is not this one; run "sfbackup service install" again.');
  const foreign = s.files.filter((f) => f.state === 'foreign');
  for (const f of foreign) lines.push(`${f.path} belongs to another program and was left alone.`);
  if (!s.sessionBus) lines.push('There is no session bus here, so whether it runs cannot be asked.');
  else if (!s.running)
    lines.push(
      s.installed ? 'It is not running now; the first call or the next login starts it.' : 'No sync daemon is running.',
    );
  else if (s.runningAsService) lines.push(`It is running (pid ${s.pid}).`);
  else
    lines.push(
      `The sync daemon is running in another process (pid ${s.pid}${s.runningCommand ? `: ${s.runningCommand}` : ''}).`,
    );
  if (s.installed)
    lines.push(
      s.enabled
        ? `It starts at login (${s.manager === 'systemd' ? 'systemd user unit, enabled' : 'autostart entry'}).`
        : 'It does not start at login: missed backups wait until something starts it.',
    );
  return lines;
}
