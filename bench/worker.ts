// One measured operation in a fresh process, so its peak RSS is its own: the engine's upload,
// download, archive or listing code, exactly as the plugins and the vault call it.
import { readFileSync } from 'node:fs';
import { WebDavConnection } from '../main/plugins/webdav/WebDavConnection.js';
import { createArchive } from '../main/vault/archive.js';

interface Job {
  op: 'upload' | 'download' | 'archive' | 'list';
  server?: string;
  user?: string;
  password?: string;
  local?: string;
  remote?: string;
  units?: Array<{ name: string; path: string }>;
}

function peakRssMiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 1048576;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const connection = job.server
  ? new WebDavConnection({
      serverAddress: job.server,
      username: job.user ?? '',
      password: job.password ?? '',
      ignoreSslErrors: false,
    })
  : undefined;
const signal = new AbortController().signal;
const start = performance.now();
let count = 0;
switch (job.op) {
  case 'upload':
    await connection!.upload(job.local!, job.remote!, signal, () => {});
    break;
  case 'download':
    await connection!.download(job.remote!, job.local!, signal, () => {});
    break;
  case 'archive':
    await createArchive(job.units!, job.local!);
    break;
  case 'list':
    count = (await connection!.list(job.remote!, signal))?.length ?? -1;
    break;
}
const ms = performance.now() - start;
process.stdout.write(JSON.stringify({ ms, peakRssMiB: peakRssMiB(), count }) + '\n');
process.exit(0);
