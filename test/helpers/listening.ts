// Which TCP port a child process listens on, from /proc: the kernel's own table, so a server that binds
// port 0 is found on the port it got, and a port some other process holds is never taken for ours.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import type { ChildProcess } from 'node:child_process';

function socketInodes(pid: number): Set<string> {
  const inodes = new Set<string>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes; // the process is gone
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  return inodes;
}

/** The ports the process listens on (TCP over IPv4 and IPv6). */
export function listeningPorts(pid: number): number[] {
  const inodes = socketInodes(pid);
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue; // no IPv6
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode; st 0A = LISTEN
      if (f.length < 10 || f[3] !== '0A' || !inodes.has(f[9]!)) continue;
      ports.push(parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/**
 * Waits until the child listens (on `port` when given) and returns the port; throws when it exits first
 * or does not listen within 15 s.
 */
export async function ownListeningPort(child: ChildProcess, what: string, port?: number): Promise<number> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${what} exited (${child.exitCode ?? child.signalCode}) before it listened`);
    const ports = child.pid === undefined ? [] : listeningPorts(child.pid);
    const found = port === undefined ? ports[0] : ports.find((p) => p === port);
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${what} did not listen${port === undefined ? '' : ` on ${port}`}`);
}
