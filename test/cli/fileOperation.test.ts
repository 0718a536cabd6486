// Which of the vault's messages tell a command its own backup to (or restore from) a file: the end of
// an earlier run on the same file, this run's end with its cause, and another file's end may all come in
// one read, before `await start()` resumes. The cause and its code are the ones this run's state said.
import { PassThrough } from 'node:stream';
import dbus from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { runFileOperation } from '../../main/cli/fileOperation.js';
import type { VaultOutcome } from '../../main/cli/vaultOperation.js';
import type { MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { VAULT_INTERFACE } from '../../main/vault/vaultService.js';
import { VaultProxy } from '../../main/vault/VaultProxy.js';
import { OneReadBus, signal, vaultProperties, type Script } from '../helpers/oneReadBus.js';

const { Variant } = dbus;
const FILE = '/media/alice/STICK/sailfish_backup_2026-11-26T10-00-00Z.tar';

const fileStatus = (file: string, text: string) => signal('fileBackupStatusChanged', 'ss', [file, text]);
const begins = () => vaultProperties({ status: 'Preparing', error: '', errorCode: '' });
const fails = (error: string, errorCode: string) => vaultProperties({ status: 'Error', error, errorCode });

/** Runs a restore from FILE against the stand-in; 'stuck' when it can never end. */
async function restoreWith(script: Script): Promise<VaultOutcome | 'stuck'> {
  const bus: OneReadBus = new OneReadBus((call, reply) => {
    if (call.interface === VAULT_INTERFACE) return script(call, reply, bus);
    const answer = reply();
    if (call.member === 'GetAll') {
      answer.signature = 'a{sv}';
      answer.body = [{ status: new Variant('s', 'Idle') }];
    }
    return [answer];
  });
  const vault = new VaultProxy(new DBusClient(bus as unknown as MessageBus));
  const session = { vault, onServicesLost: () => Promise.resolve(() => Promise.resolve()) };
  let result: VaultOutcome | Error | undefined;
  const progress = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  runFileOperation(session, FILE, 'restore', () => vault.restoreFromFile(FILE), progress).then(
    (outcome) => (result = outcome),
    (err: Error) => (result = err),
  );
  for (let turn = 0; turn < 200 && result === undefined; turn++) await new Promise((r) => setImmediate(r));
  if (result instanceof Error) throw result;
  return result ?? 'stuck';
}

describe('the outcome of a file operation, from messages handed out in one read', () => {
  it('this run failing before its answer: its own cause and code, not an earlier run’s', async () => {
    const outcome = await restoreWith((_call, reply) => [
      fails('the earlier restore failed', 'Error'),
      fileStatus(FILE, 'Error'), // an earlier run on the same file ends …
      begins(), // … this one begins,
      fails(
        'Could not restore the backup: The backup holds folders this computer does not back up (Music).',
        'NeedsFolder',
      ),
      fileStatus(FILE, 'Error'), // and ends before it is answered.
      reply(),
    ]);
    expect(outcome).toEqual({
      status: 'Error',
      error: 'Could not restore the backup: The backup holds folders this computer does not back up (Music).',
      code: 'NeedsFolder',
    });
  });

  it('another file’s end, and the next run after this one’s end, do not change this run’s Finished', async () => {
    const outcome = await restoreWith((_call, reply, bus) => {
      setImmediate(() =>
        bus.read([
          fileStatus('/elsewhere/sailfish_backup_2026-11-26T10-00-00Z.tar', 'Error'),
          fileStatus(FILE, 'Finished'),
          begins(),
          fails('the next restore failed', 'Error'),
          fileStatus(FILE, 'Error'),
        ]),
      );
      return [begins(), reply()];
    });
    expect(outcome).toEqual({ status: 'Finished' });
  });

  it('the bus closing before the start is answered ends the wait with a clear error', async () => {
    const outcome = await restoreWith((_call, _reply, bus) => {
      bus.end();
      return [];
    });
    expect(outcome !== 'stuck' && outcome.error).toMatch(/backup service stopped during the restore/);
  });
});
