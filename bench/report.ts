// The benchmark's output: one table of figures and goals, the CPU time behind the transfers, and the
// machine it ran on (a shared machine's load moves wall times; CPU seconds move less).
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface Row {
  figure: string;
  engine: string;
  reference: string;
  ratio: string;
  goal: string;
  met: boolean | undefined;
}

function table(headers: string[], cells: string[][]): string[] {
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => `| ${row.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [fmt(headers), `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`, ...cells.map(fmt)];
}

function version(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8' }).split('\n')[0]!.trim();
  } catch {
    return `${command}: not found`;
  }
}

export function printReport(
  rows: Row[],
  cpu: Array<{ figure: string; engine: number; reference: number }>,
  load: { load: number[]; loadAfter: number[] },
): void {
  const lines = table(
    ['figure', 'sfbackup', 'tar / curl', 'ratio', 'goal', 'met'],
    rows.map((r) => [
      r.figure,
      r.engine,
      r.reference,
      r.ratio,
      r.goal,
      r.met === undefined ? '' : r.met ? 'yes' : 'NO',
    ]),
  );
  lines.push('', 'CPU seconds (user + system, medians; the reference counts tar and curl together):', '');
  lines.push(
    ...table(
      ['figure', 'sfbackup', 'tar / curl'],
      cpu.map((c) => [c.figure, c.engine.toFixed(2), c.reference.toFixed(2)]),
    ),
  );
  const cpus = os.cpus();
  lines.push(
    '',
    `Machine: ${cpus.length} × ${cpus[0]?.model ?? 'unknown CPU'}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ` +
      `${os.type()} ${os.release()}; Node ${process.versions.node}; ${version('curl', ['--version'])}; ` +
      `${version('tar', ['--version'])}; ${version('apache2', ['-v'])}.`,
    `Load average (1, 5, 15 min) before: ${load.load.map((l) => l.toFixed(2)).join(' ')}, after: ${load.loadAfter.map((l) => l.toFixed(2)).join(' ')}.`,
  );
  console.log(lines.join('\n'));
}
