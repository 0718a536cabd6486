// electron-builder cannot run here (it downloads Electron), so its configuration is checked as data:
// everything the app loads at run time is packed, and the native module is left outside the asar.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  main: string;
  dependencies: Record<string, string>;
  scripts: Record<string, string>;
  build: { appId: string; files: string[]; asarUnpack: string[]; linux: { target: string[] } };
};

/** Whether an electron-builder `files` glob (with * and **) takes the file. */
function covered(file: string): boolean {
  return pkg.build.files.some((pattern) => {
    const parts = pattern.split('**/');
    const source = parts
      .map((part) => part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*'))
      .join('(?:.*/)?')
      .replace(/\[\^\/\]\*\[\^\/\]\*$/, '.*');
    return new RegExp(`^${source}$`).test(file);
  });
}

describe('packaging configuration', () => {
  it('packs the Electron entry, the preload, the renderer and the data the engine reads', () => {
    expect(pkg.main).toBe('dist/electron/main.js');
    for (const file of [
      pkg.main,
      'dist/electron/preload.cjs',
      'dist/renderer/index.html',
      'dist/main/engine.js',
      'assets/accounts/providers/nextcloud.provider',
      'assets/buteo/sync/nextcloud.Backup.xml',
    ]) {
      expect(covered(file), file).toBe(true);
    }
    expect(covered('test/e2e/settingsUi.test.ts')).toBe(false);
  });

  it('rebuilds native modules for Electron only when packaging, and keeps them out of the asar', () => {
    expect(pkg.dependencies['better-sqlite3']).toMatch(/^\^?12\./);
    expect(pkg.scripts.package).toContain('install-app-deps');
    expect(
      Object.entries(pkg.scripts)
        .filter(([name]) => name !== 'package')
        .map(([, cmd]) => cmd)
        .join(' '),
    ).not.toContain('electron-builder');
    expect(pkg.build.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
    expect(pkg.build.appId).toMatch(/^[a-z]+(\.[a-z0-9-]+)+$/);
    expect(pkg.build.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
  });

  it('points at files the build produces', () => {
    // `npm test` builds first, so the entry points exist when this runs.
    for (const file of [pkg.main, 'dist/electron/preload.cjs', 'dist/renderer/index.html'])
      expect(existsSync(path.join(root, file)), file).toBe(true);
  });
});
