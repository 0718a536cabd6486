// Which of the vault's signals tell a command its own operation's outcome, when dbus-next hands out a
// whole read at once: the answer to the start call, the end of an earlier run, this run's end and the
// beginning of the next one may all come in one go, before `await start()` resumes. Every wait ends
// with the truth: this run's outcome, or a clear error when the backup service goes away.
import { PassThrough } from 'node:stream';
import dbus from 'dbus-next';
import { describe, expect, it } from 'vitest';
import { runVaultOperation, type VaultOutcome } from '../../main/cli/vaultOperation.js';
import type { MessageBus } from '../../main/dbus/bus.js';
import { DBusClient } from '../../main/dbus/DBusClient.js';
import { VAULT_INTERFACE } from '../../main/vault/vaultService.js';
import { VaultProxy } from '../../main/vault/VaultProxy.js';
import { OneReadBus, signal, vaultProperties, type Script } from '../helpers/oneReadBus.js';

const { Variant } = dbus;

const status = (account: number, text: string) => signal('cloudRestoreStatusChanged', 'is', [account, text]);
const failure = (account: number, text: string) => signal('cloudRestoreError', 'iss', [account, 'Error', text]);
/** The vault's status property changing, as PropertiesChanged carries it. */
const vaultStatus = (text: string) => vaultProperties({ status: text });

/** The vault's properties as a status read finds them once the stand-in has said everything. */
interface StateAfter {
  status: string;
  error?: string;
}

/** Runs a restore of account 1 against the stand-in; 'stuck' when it can never end. */
async function restoreWith(script: Script, after: StateAfter): Promise<VaultOutcome | 'stuck'> {
  const bus: OneReadBus = new OneReadBus((call, reply) => {
    if (call.interface === VAULT_INTERFACE) return script(call, reply, bus);
    const answer = reply();
    if (call.member === 'GetAll') {
      answer.signature = 'a{sv}';
      answer.body = [{ status: new Variant('s', after.status), error: new Variant('s', after.error ?? '') }];
    }
    return [answer];
  });
  const vault = new VaultProxy(new DBusClient(bus as unknown as MessageBus));
  const session = { vault, onServicesLost: () => Promise.resolve(() => Promise.resolve()) };
  let result: VaultOutcome | Error | undefined;
  const progress = Object.assign(new PassThrough(), { isTTY: false }) as unknown as NodeJS.WriteStream;
  const run = runVaultOperation(
    session,
    1,
    'restore',
    () => vault.restoreFromCloud(1, 'backup.tar', '/tmp/x'),
    progress,
  );
  run.then(
    (outcome) => (result = outcome),
    (err: Error) => (result = err),
  );
  // Everything the stand-in sends is in memory: once many turns of the event loop have passed with
  // nothing settled, nothing ever will (it would be Node's exit 13 in a real command).
  for (let turn = 0; turn < 200 && result === undefined; turn++) await new Promise((r) => setImmediate(r));
  if (result instanceof Error) throw result;
  return result ?? 'stuck';
}

describe('the outcome of a vault operation, from signals handed out in one read', () => {
  it('an outcome right after the answer, in the same read, is this run’s: Finished, not a hang', async () => {
    const outcome = await restoreWith(
      (_call, reply) => [
        failure(1, 'the earlier restore failed'),
        status(1, 'Error'), // an earlier run of the same account ends …
        vaultStatus('Preparing'), // … this one begins,
        reply(), // is answered,
        vaultStatus('DownloadingBackup'),
        status(1, 'Finished'), // and ends before the command's await resumed.
      ],
      { status: 'Finished' },
    );
    expect(outcome).toEqual({ status: 'Finished' });
  });

  it('a run that fails before its answer is told as failed, with its cause; an earlier run’s end is not', async () => {
    const outcome = await restoreWith(
      (_call, reply) => [
        status(1, 'Finished'), // an earlier run
        vaultStatus('Preparing'),
        failure(1, 'No backup named backup.tar on the server'),
        status(1, 'Error'),
        vaultStatus('Error'),
        reply(),
      ],
      { status: 'Error', error: 'No backup named backup.tar on the server' },
    );
    expect(outcome).toEqual({ status: 'Error', error: 'No backup named backup.tar on the server', code: 'Error' });
  });

  it('the next run beginning and failing in the same read does not change this run’s Finished', async () => {
    const outcome = await restoreWith(
      (_call, reply) => [
        vaultStatus('Preparing'),
        reply(),
        status(2, 'Error'), // another account's word is not this one's
        status(1, 'Finished'),
        vaultStatus('Preparing'), // the next run, started by another command
        failure(1, 'the next restore failed'),
        status(1, 'Error'),
      ],
      { status: 'Error', error: 'the next restore failed' },
    );
    expect(outcome).toEqual({ status: 'Finished' });
  });

  it('with a vault that does not say when a run begins, only what follows the answer is this run’s', async () => {
    const outcome = await restoreWith(
      (_call, reply, bus) => {
        // This run's end comes in a later read, once the command has heard the answer.
        setImmediate(() => bus.read([failure(1, 'Disk full'), status(1, 'Error')]));
        return [status(1, 'Finished'), reply()];
      },
      { status: 'Finished' },
    );
    expect(outcome).toEqual({ status: 'Error', error: 'Disk full', code: 'Error' });
  });

  it('the bus closing before the start is answered ends the wait with a clear error', async () => {
    const outcome = await restoreWith(
      (_call, _reply, bus) => {
        bus.end(); // the process running the engine exits before answering
        return [];
      },
      { status: 'Preparing' },
    );
    expect(outcome).not.toBe('stuck');
    expect(outcome !== 'stuck' && outcome.status).toBe('Error');
    expect(outcome !== 'stuck' && outcome.error).toMatch(/backup service stopped during the restore/);
  });
});
