// The layers of the app, as lint rules: what each folder may import. README.md ("Developing") shows
// the same table; test/lint/layers.test.ts proves the rules fire. A type import (`import type`) is
// allowed where only values are refused: it leaves no trace at run time.

/** Folders of main/ that only the composition and the user-facing edges may use. */
const edges = ['bridge', 'cli', 'web', 'demo'];

const folder = (name) => ({
  regex: `(^|/)main/${name}/|^\\.\\./${name}/|^\\.\\./\\.\\./${name}/`,
  message: `main/${name}/ is not for this layer`,
});

const noElectron = {
  group: ['electron', 'electron/*'],
  message: 'Only electron/ touches Electron: main/ is plain Node, renderer/ a web page.',
};

/** Each folder's own restrictions; every main/ folder also refuses Electron. */
const rules = {
  // The engine's leaf modules at the root of main/: shared by every folder, so they import none.
  leaves: [{ regex: '^\\./[^/]+/', message: 'A shared leaf module of main/ imports no folder.' }],
  accounts: ['buteo', 'vault', 'plugins', 'signin', 'targets', 'service', 'system', ...edges].map(folder),
  dbus: ['accounts', 'buteo', 'vault', 'plugins', 'signin', 'targets', 'service', 'system', ...edges].map(folder),
  // The sync daemon owns its client-plugin port (buteo/ClientPlugin.ts); the plugins implement it.
  buteo: ['vault', 'plugins', 'signin', 'targets', ...edges].map(folder),
  // The contract is bundled into the page: words, codes and pure checks only.
  ipc: [
    {
      regex: '^(?!zod$|\\.\\./(vocabulary|backupNames|progressText)\\.js$|\\.\\./accounts/validation\\.js$|\\./)',
      message:
        'The contract imports only zod and pure words: the vocabulary (with Buteo’s codes), backup names, progress text, validation.',
    },
  ],
  vault: [
    ...['plugins', 'signin', 'service', ...edges].map(folder),
    {
      regex: '(^|/)buteo/(SyncDaemon|msyncdService|pluginRun|transferService|backupClientService)\\.js$',
      message: 'The vault reaches the sync daemon over D-Bus only (buteo/MsyncdProxy.ts).',
    },
    {
      regex: '(^|/)(engine|session|stores)\\.js$',
      message: 'The vault is composed by main/engine.ts, not the reverse.',
    },
  ],
  plugins: [
    ...['signin', 'targets', 'service', ...edges].map(folder),
    {
      regex: '(^|/)vault/(?!vaultNames\\.js$)[^/]+$',
      allowTypeImports: true,
      message:
        'Plugins reach the vault over D-Bus only: VaultProxy (given to them), vault/vaultNames.ts, ../backupNames.ts.',
    },
    {
      regex: '(^|/)buteo/(SyncDaemon|msyncdService|transferService)\\.js$',
      message: 'Plugins are run by the sync daemon; they do not reach into it.',
    },
    {
      regex: '(^|/)(engine|session|stores)\\.js$',
      message: 'Plugins are composed by main/engine.ts, not the reverse.',
    },
  ],
  signin: ['vault', 'targets', 'service', 'device', ...edges].map(folder),
  // A Sailfish device over SSH: its own services through the same proxies; the UI reaches it through the bridge.
  device: ['plugins', 'signin', 'targets', 'service', ...edges].map(folder),
  targets: ['plugins', 'signin', 'service', ...edges].map(folder),
  service: ['plugins', 'signin', 'targets', ...edges].map(folder),
  system: ['accounts', 'vault', 'plugins', 'signin', 'targets', 'service', ...edges].map(folder),
  // The byte stream between the vault and this app's plugins (issue 13): both sides use it, it uses neither.
  transfer: [
    'accounts',
    'buteo',
    'dbus',
    'vault',
    'plugins',
    'signin',
    'targets',
    'service',
    'system',
    'device',
    ...edges,
  ].map(folder),
  bridge: ['cli', 'web'].map(folder),
  web: ['cli'].map(folder),
};

const leafFiles = [
  'backupNames',
  'errors',
  'fileLock',
  'fsAtomic',
  'log',
  'paths',
  'processIdentity',
  'progressText',
  'runDir',
  'scalar',
  'vocabulary',
  'waits',
].map((name) => `main/${name}.ts`);

const restrict = (patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { patterns }] });

export const layers = [
  { name: 'layers/main', files: ['main/**/*.ts'], rules: restrict([noElectron]) },
  { name: 'layers/main-leaves', files: leafFiles, rules: restrict([noElectron, ...rules.leaves]) },
  ...Object.entries(rules)
    .filter(([name]) => name !== 'leaves')
    .map(([name, patterns]) => ({
      name: `layers/${name}`,
      files: [`main/${name}/**/*.ts`],
      rules: restrict([noElectron, ...patterns]),
    })),
  {
    name: 'layers/renderer',
    files: ['renderer/**/*.{ts,tsx}'],
    rules: restrict([
      noElectron,
      {
        regex: '(^|/)main/(?!ipc/contract$)',
        message: 'The renderer sees the app only through main/ipc/contract.ts (both transports implement it).',
      },
      {
        regex: '^(node:|dbus-next$|better-sqlite3$|tar$|fast-xml-parser$)',
        message: 'The renderer is a web page: no Node modules.',
      },
    ]),
  },
];
