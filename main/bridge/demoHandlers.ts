// "Try with a demo server": starts `sfbackup demo` beside this window (its own data dir, server and
// sample folders; it ends with this process) and gives its address. Inside the demo, "End demo" ends it.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { InputError } from '../errors.js';
import { RunDir, tiedToParent } from '../runDir.js';

export interface DemoOptions {
  serverUrl: string;
  /** Ends the demo: its window, engine, server and data go. */
  end(): void;
}

interface Context {
  assetsDir: string;
  env: NodeJS.ProcessEnv;
  demo: DemoOptions | undefined;
  openUrl: ((url: string) => boolean) | undefined;
}

export function demoHandlers(context: () => Context) {
  let child: ChildProcess | undefined;
  let url: Promise<string> | undefined;

  const launch = (c: Context): Promise<string> => {
    const bin = path.join(path.dirname(c.assetsDir), 'bin', 'sfbackup.js');
    // Inside Electron, its binary runs scripts as Node with this variable.
    const env = { ...c.env, ELECTRON_RUN_AS_NODE: '1' };
    const { command, args } = tiedToParent(process.execPath, [bin, '--json', 'demo', '--no-open']);
    const started = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    const pid = started.pid;
    if (pid) {
      const run = RunDir.own(c.env);
      run.recordHelper(pid, 'demo');
      started.once('exit', () => run.helperStopped(pid));
    }
    let out = '';
    let err = '';
    started.stderr.on('data', (d: Buffer) => (err += d.toString()));
    return new Promise<string>((resolve, reject) => {
      started.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const found = /"url":\s*"([^"]+)"/.exec(out);
        if (found) resolve(found[1]!);
      });
      started.once('exit', (code) => {
        child = undefined;
        url = undefined;
        reject(new InputError(`The demo did not start (${code ?? 'signal'}): ${err.trim().split('\n').at(-1) ?? ''}`));
      });
      started.once('error', (e) => reject(e));
    });
  };

  return {
    async start(): Promise<{ url: string; opened: boolean }> {
      const c = context();
      if (c.demo) throw new InputError('This is the demo already.');
      url ??= launch(c);
      const address = await url;
      return { url: address, opened: c.openUrl?.(address) ?? false };
    },
    end(): null {
      const demo = context().demo;
      if (!demo) throw new InputError('There is no demo to end here.');
      demo.end();
      return null;
    },
    async close(): Promise<void> {
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGTERM');
      await exited;
    },
  };
}
