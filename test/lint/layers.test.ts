// The layering is a lint rule, not a convention: these imports, each breaking one layer, fail `npm run
// lint` with the layer's own message, and the imports each layer is meant to use pass.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.join(import.meta.dirname, '..', '..');
let config: Linter.Config[];

beforeAll(async () => {
  const url = (file: string) => pathToFileURL(path.join(root, file)).href;
  const { layers } = (await import(url('eslint.layers.js'))) as { layers: Linter.Config[] };
  const { default: inUse } = (await import(url('eslint.config.js'))) as { default: Linter.Config[] };
  // The rules tested here are the ones `npm run lint` applies.
  expect(inUse).toEqual(expect.arrayContaining(layers));
  config = [
    {
      files: ['**/*.{ts,tsx}'],
      languageOptions: { parser: tseslint.parser },
      plugins: { '@typescript-eslint': tseslint.plugin },
    },
    ...layers,
  ];
});

/** The messages lint gives for `code` as the file `file` of the repository. */
function lint(file: string, code: string): string[] {
  return new Linter({ configType: 'flat' })
    .verify(code, config, { filename: path.join(root, file) })
    .map((m) => m.message);
}

describe('import rules', () => {
  it('keep the renderer to the contract', () => {
    expect(lint('renderer/pages/Probe.tsx', "import { Vault } from '../../main/vault/Vault';")).toEqual([
      expect.stringContaining('The renderer sees the app only through main/ipc/contract.ts'),
    ]);
    expect(lint('renderer/pages/Probe.tsx', "import { readFileSync } from 'node:fs';")).toEqual([
      expect.stringContaining('no Node modules'),
    ]);
    expect(lint('renderer/pages/Probe.tsx', "import { buildApi } from '../../main/ipc/contract';")).toEqual([]);
  });

  it('keep Electron in electron/', () => {
    expect(lint('main/vault/Probe.ts', "import { app } from 'electron';")).toEqual([
      expect.stringContaining('Only electron/ touches Electron'),
    ]);
    expect(lint('renderer/Probe.tsx', "import { ipcRenderer } from 'electron';")).toEqual([
      expect.stringContaining('Only electron/ touches Electron'),
    ]);
    expect(lint('electron/Probe.ts', "import { app } from 'electron';")).toEqual([]);
  });

  it('let plugins reach the vault over D-Bus only', () => {
    expect(lint('main/plugins/webdav/Probe.ts', "import { Vault } from '../../vault/Vault.js';")).toEqual([
      expect.stringContaining('Plugins reach the vault over D-Bus only'),
    ]);
    expect(
      lint('main/plugins/webdav/Probe.ts', "import type { VaultProxy } from '../../vault/VaultProxy.js';"),
    ).toEqual([]);
    expect(lint('main/plugins/webdav/Probe.ts', "import { VaultError } from '../../vault/vaultNames.js';")).toEqual([]);
    expect(lint('main/plugins/webdav/Probe.ts', "import { SyncDaemon } from '../../buteo/SyncDaemon.js';")).toEqual([
      expect.stringContaining('they do not reach into it'),
    ]);
  });

  it('keep the stream between the vault and the plugins apart from both', () => {
    expect(lint('main/transfer/Probe.ts', "import { Vault } from '../vault/Vault.js';")).toEqual([
      expect.stringContaining('main/vault/ is not for this layer'),
    ]);
    expect(
      lint('main/transfer/Probe.ts', "import { RestorePlugin } from '../plugins/webdav/RestorePlugin.js';"),
    ).toEqual([expect.stringContaining('main/plugins/ is not for this layer')]);
    expect(
      lint('main/plugins/webdav/Probe.ts', "import { restoreHead } from '../../transfer/archiveStream.js';"),
    ).toEqual([]);
    expect(lint('main/vault/Probe.ts', "import { StreamEndpoints } from '../transfer/streamEndpoints.js';")).toEqual(
      [],
    );
  });

  it('let the vault reach the sync daemon over D-Bus only', () => {
    expect(lint('main/vault/Probe.ts', "import { SyncDaemon } from '../buteo/SyncDaemon.js';")).toEqual([
      expect.stringContaining('over D-Bus only (buteo/MsyncdProxy.ts)'),
    ]);
    expect(lint('main/vault/Probe.ts', "import type { MsyncdProxy } from '../buteo/MsyncdProxy.js';")).toEqual([]);
  });

  it('keep the engine’s folders below the user-facing edges, and the shared leaves free of folders', () => {
    expect(lint('main/accounts/Probe.ts', "import { SettingsBridge } from '../bridge/SettingsBridge.js';")).toEqual([
      expect.stringContaining('main/bridge/ is not for this layer'),
    ]);
    expect(lint('main/buteo/Probe.ts', "import { Vault } from '../vault/Vault.js';")).toEqual([
      expect.stringContaining('main/vault/ is not for this layer'),
    ]);
    expect(lint('main/errors.ts', "import { Stores } from './stores.js';\nimport { X } from './vault/x.js';")).toEqual([
      expect.stringContaining('A shared leaf module of main/ imports no folder'),
    ]);
  });
});
