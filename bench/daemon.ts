// `sfbackup daemon` for a data dir, as `sfbackup service install` keeps it running: commands then
// attach to it instead of starting an engine of their own. Its peak memory is read before it stops.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';

export interface RunningDaemon {
  /** Peak resident memory so far (VmHWM), in MiB. */
  peakRssMiB(): number;
  stop(): Promise<void>;
}

export async function startDaemon(bin: string, dataDir: string, env: NodeJS.ProcessEnv): Promise<RunningDaemon> {
  const child: ChildProcess = spawn(process.execPath, [bin, '--data-dir', dataDir, 'daemon'], {
    env,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  child.stderr!.on('data', (d: Buffer) => (said += d.toString()));
  for (let i = 0; i < 600 && !said.includes('running on') && child.exitCode === null; i++)
    await new Promise((r) => setTimeout(r, 50));
  if (!said.includes('running on')) {
    child.kill('SIGTERM');
    throw new Error(`sfbackup daemon did not start: ${said.trim()}`);
  }
  return {
    peakRssMiB() {
      const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
      return m ? Number(m[1]) / 1024 : NaN;
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}
