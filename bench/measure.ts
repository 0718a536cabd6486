// One measured process, the same way for both sides: wall time from spawn to exit (so process start-up
// counts), and from GNU time its peak RSS and CPU seconds (a pipeline's children included).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Measured {
  ms: number;
  /** Peak resident memory of the process (the largest of a pipeline's processes). */
  peakRssMiB: number;
  /** User and system CPU, children included. */
  cpuS: number;
  stdout: string;
  stderr: string;
}

const timeDir = mkdtempSync(path.join(os.tmpdir(), 'sfb-bench-time-'));
process.once('exit', () => rmSync(timeDir, { recursive: true, force: true }));

/** Runs `argv` under /usr/bin/time; fails when it exits non-zero. */
export async function measure(argv: string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}) {
  const out = path.join(timeDir, `${process.hrtime.bigint()}.txt`);
  const start = performance.now();
  const child = spawn('/usr/bin/time', ['-f', '%M %U %S', '-o', out, '--', ...argv], {
    env: options.env ?? process.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(options.input ?? '');
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  const ms = performance.now() - start;
  const [rssKiB, user, system] = readFileSync(out, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
  rmSync(out, { force: true });
  if (code !== 0) throw new Error(`${argv.join(' ')} exited ${code}: ${stderr.trim().slice(-2000)}`);
  return { ms, peakRssMiB: (rssKiB ?? 0) / 1024, cpuS: (user ?? 0) + (system ?? 0), stdout, stderr };
}

/** A shell pipeline, measured as one command. */
export function measureShell(script: string, env?: NodeJS.ProcessEnv): Promise<Measured> {
  return measure(['sh', '-c', script], env ? { env } : {});
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

/** Shell-quotes one argument. */
export function q(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}
