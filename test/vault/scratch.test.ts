import { mkdirSync, writeFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { startBackupWorld } from '../helpers/backupWorld.js';
import { tempDir } from '../helpers/processes.js';

it('scratch', async () => {
  const world = await startBackupWorld();
  const base = tempDir();
  const unit = path.join(base, 'Many');
  mkdirSync(unit);
  for (let i = 0; i < 30_000; i++) writeFileSync(path.join(unit, `f-${i}.txt`), `file ${i}\n`);
  await world.cli(['units', 'add', unit]);
  const { file } = await world.json<{ file: string }>(['backup', '1']);
  await world.cli(['restore', '1', file], { onStderr: (text) => void (/Restoring files/.test(text) && world.killDaemon()) });
  console.log('DATADIR', world.dataDir, 'BASE', base, readdirSync(base));
  console.log(readFileSync(path.join(world.dataDir, 'vault', 'restore-journal.json'), 'utf8').slice(0, 600));
  await world.stop();
}, 300000);
