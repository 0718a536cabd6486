import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { it } from 'vitest';
import { createArchive } from '../../main/vault/archive.js';
import { tempDir } from '../helpers/processes.js';
import { restoreInto } from '../helpers/restore.js';

it('scratch', async () => {
  const base = tempDir();
  const unit = path.join(base, 'Many');
  mkdirSync(unit);
  let t = Date.now();
  for (let i = 0; i < 30_000; i++) writeFileSync(path.join(unit, `f-${i}.txt`), `file ${i}\n`);
  console.log('create', Date.now() - t); t = Date.now();
  const file = path.join(base, 'b.tar');
  await createArchive([{ name: 'Many', path: unit }], file);
  console.log('archive', Date.now() - t); t = Date.now();
  await restoreInto(file, tempDir());
  console.log('restore', Date.now() - t);
}, 300000);
