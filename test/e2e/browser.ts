// What every end-to-end test needs: `sfbackup ui` on a fresh data dir, Debian's Chromium at a chosen
// window size, and the checks run on every page state: no sideways scrolling, no axe-core
// violations, a screenshot, and where the keyboard focus is.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { cliEnv } from '../helpers/cli.js';
import { tempDir } from '../helpers/processes.js';

export interface Viewport {
  width: number;
  height: number;
}

/** The phone-sized window of the Sailfish reference screenshots, and a common laptop window. */
export const viewports: Viewport[] = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
];

export interface UiProcess {
  url: string;
  dataDir: string;
  /** Resolves with the exit code when the command ends by itself. */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** `sfbackup ui --no-open` (or another command that serves the UI, such as `demo`) on a fresh data dir. */
export async function startUi(env: NodeJS.ProcessEnv = cliEnv(), command = ['ui', '--no-open']): Promise<UiProcess> {
  const dataDir = tempDir();
  const ui: ChildProcess = spawn(process.execPath, ['bin/sfbackup.js', '--data-dir', dataDir, '--json', ...command], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = once(ui, 'exit').then(([code]) => code as number | null);
  let out = '';
  ui.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  for (let i = 0; i < 1200 && !out.includes('"url"'); i++) await new Promise((r) => setTimeout(r, 50));
  if (!out.includes('"url"')) throw new Error(`sfbackup ui did not start: ${out}`);
  return {
    url: (JSON.parse(out) as { url: string }).url,
    dataDir,
    exited,
    async stop() {
      if (ui.exitCode !== null || ui.signalCode !== null) return;
      const exited = once(ui, 'exit');
      ui.kill('SIGTERM');
      await exited;
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A page at the viewport, in a 24-hour locale, collecting console errors. */
export async function openPage(browser: Browser, viewport: Viewport) {
  const context = await browser.newContext({ viewport, locale: 'en-GB', timezoneId: 'Europe/Helsinki' });
  const page = await context.newPage();
  const consoleErrors: string[] = [];
  page.on('console', (m) => m.type() === 'error' && !m.text().includes('favicon') && consoleErrors.push(m.text()));
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  return { page, consoleErrors, close: () => context.close() };
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }>;
}

/**
 * axe-core (every rule) on the page as it is now. It is evaluated through the DevTools protocol, which the page's
 * Content-Security-Policy does not govern, so the policy stays on (no bypassCSP).
 */
export async function axeViolations(page: Page): Promise<string[]> {
  // In-page code is given as text: this project's Node types have no DOM.
  if (!(await page.evaluate<boolean>("'axe' in window"))) await page.evaluate(axeSource);
  // Every rule, the experimental ones too (label-content-name-mismatch is one of them).
  const result = await page.evaluate<AxeResult>(
    `window.axe.run(document, { rules: Object.fromEntries(
      window.axe.getRules(['experimental']).map((r) => [r.ruleId, { enabled: true }])) })`,
  );
  if (result.violations === undefined) throw new Error('axe-core did not run');
  return result.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

/** The page does not scroll sideways: its content is no wider than the window. */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** The checks every page state gets: no overflow, no axe violations, and a screenshot. */
export async function checkState(page: Page, viewport: Viewport, name: string): Promise<void> {
  expect(await horizontalOverflow(page), `${name}: horizontal overflow at ${viewport.width} px`).toBe(0);
  expect(await axeViolations(page), `${name}: axe violations at ${viewport.width} px`).toEqual([]);
  const dir = path.resolve('test-results', 'screens', String(viewport.width));
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: path.join(dir, `${name}.png`), fullPage: true });
}

/** Shows that the checks can fail: a page made wider than the window and a button misnamed are caught. */
export async function expectChecksToCatchFaults(page: Page): Promise<void> {
  await page.evaluate(`(() => {
    const wide = document.createElement('div');
    wide.id = 'fault-wide';
    wide.style.width = '3000px';
    wide.style.height = '1px';
    document.querySelector('main').append(wide);
    const misnamed = document.createElement('button');
    misnamed.id = 'fault-misnamed';
    misnamed.setAttribute('aria-label', 'Stop backing up Documents');
    misnamed.textContent = 'Remove';
    document.querySelector('main').append(misnamed);
  })()`);
  expect(await horizontalOverflow(page)).toBeGreaterThan(0);
  expect((await axeViolations(page)).join('\n')).toContain('label-content-name-mismatch');
  await page.evaluate(
    "document.getElementById('fault-wide').remove(); document.getElementById('fault-misnamed').remove()",
  );
}

export async function isFocused(locator: Locator): Promise<boolean> {
  // Typed by hand: this project's Node types have no DOM.
  return locator
    .evaluate((el: { ownerDocument: { activeElement: unknown } }) => el === el.ownerDocument.activeElement)
    .catch(() => false);
}

/** What has focus, for messages: its role or tag and its name. */
export async function focusDescription(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'BODY';
    const name = el.getAttribute('aria-label') ?? el.textContent?.trim().slice(0, 60) ?? '';
    return (el.getAttribute('role') ?? el.tagName.toLowerCase()) + ' "' + name + '"';
  })()`);
}

export async function expectFocus(page: Page, locator: Locator, step: string): Promise<void> {
  await expect
    .poll(() => isFocused(locator), { message: `${step}: focus is on ${await focusDescription(page)}` })
    .toBe(true);
}

/** Presses Tab (or Shift+Tab) until the element has focus: how a keyboard user gets there. */
export async function tabTo(page: Page, locator: Locator, options: { back?: boolean; max?: number } = {}) {
  for (let i = 0; i < (options.max ?? 60); i++) {
    if (await isFocused(locator)) return;
    await page.keyboard.press(options.back ? 'Shift+Tab' : 'Tab');
  }
  throw new Error(`Tab never reached the element; focus is on ${await focusDescription(page)}`);
}

/** A picker row: the button named "<label> <value>" that pops up its menu or dialog. */
export function pickerRow(page: Page, label: string): Locator {
  return page
    .locator('button[aria-haspopup]')
    .filter({ has: page.locator('.picker-label', { hasText: new RegExp(`^${label}$`) }) });
}
