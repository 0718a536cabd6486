// The main window's options, kept free of Electron's runtime so a test can check them under Node.
import type { BrowserWindowConstructorOptions } from 'electron';

export function mainWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    width: 900,
    height: 1000,
    minWidth: 480,
    minHeight: 600,
    title: 'Settings · Backup',
    backgroundColor: '#060a24',
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      navigateOnDragDrop: false,
      // Middle-click must not open links in new windows.
      disableBlinkFeatures: 'Auxclick',
    },
  };
}

/** Only the app's own page may talk to the main process. */
export function isTrustedSender(frameUrl: string | undefined, appUrl: string): boolean {
  if (!frameUrl) return false;
  try {
    const url = new URL(frameUrl);
    const app = new URL(appUrl);
    return url.protocol === app.protocol && url.host === app.host && url.pathname === app.pathname;
  } catch {
    // a URL that does not parse is no trusted page
    return false;
  }
}
