// Where a password goes: the desktop keyring when one runs, the owner-only file when none does, and
// nowhere at all (with a sentence) when the keyring runs but refuses it.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FileCredentialStore,
  KeyringRefused,
  LayeredCredentialStore,
  type Credentials,
  type KeyedSecrets,
} from '../../main/accounts/credentials.js';
import { tempDir } from '../helpers/processes.js';

class MemoryKeyring implements KeyedSecrets {
  readonly description = 'the test keyring';
  readonly entries = new Map<number, Credentials>();
  locked = false;
  write(id: number, credentials: Credentials): Promise<void> {
    if (this.locked) return Promise.reject(new Error('the collection is locked'));
    this.entries.set(id, credentials);
    return Promise.resolve();
  }
  read(id: number): Promise<Credentials | undefined> {
    return Promise.resolve(this.entries.get(id));
  }
  remove(id: number): Promise<void> {
    this.entries.delete(id);
    return Promise.resolve();
  }
}

function stores(keyring: KeyedSecrets | undefined) {
  const file = path.join(tempDir(), 'credentials', 'credentials.json');
  return { file, store: new LayeredCredentialStore(new FileCredentialStore(file), () => Promise.resolve(keyring)) };
}

const fileText = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');

describe('credentials', () => {
  it('go to the keyring when one runs, and never into the file', async () => {
    const keyring = new MemoryKeyring();
    const { file, store } = stores(keyring);
    const id = await store.create({ username: 'kim', password: 'in the keyring' });
    expect(keyring.entries.get(id)).toEqual({ username: 'kim', password: 'in the keyring' });
    expect(fileText(file)).not.toContain('in the keyring');
    expect(await store.read(id)).toEqual({ username: 'kim', password: 'in the keyring' });
  });

  it('are refused with a sentence, and written nowhere, when the keyring will not take them', async () => {
    const keyring = new MemoryKeyring();
    keyring.locked = true;
    const { file, store } = stores(keyring);
    const created = store.create({ username: 'kim', password: 'not in plain text' });
    await expect(created).rejects.toBeInstanceOf(KeyringRefused);
    await expect(created).rejects.toThrow(/the test keyring did not store the password \(the collection is locked\)/);
    expect(fileText(file)).not.toContain('not in plain text');
    // An existing password stays where it was when changing it fails.
    keyring.locked = false;
    const id = await store.create({ username: 'kim', password: 'first' });
    keyring.locked = true;
    await expect(store.update(id, { username: 'kim', password: 'second' })).rejects.toBeInstanceOf(KeyringRefused);
    expect(await store.read(id)).toEqual({ username: 'kim', password: 'first' });
    expect(fileText(file)).not.toContain('second');
  });

  it('go to the owner-only file when no keyring runs', async () => {
    const { file, store } = stores(undefined);
    const id = await store.create({ username: 'kim', password: 'in the file' });
    expect(await store.read(id)).toEqual({ username: 'kim', password: 'in the file' });
    expect(fileText(file)).toContain('in the file');
  });
});
