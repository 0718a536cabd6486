// npm run bench:device (as root): the two ways to reach a device's session bus over SSH, measured on the
// test device (another user behind a private sshd on loopback, test/helpers/testDevice.ts):
//  - forward: ssh -M (ControlMaster) learns the uid, then `-O forward -L local.sock:device.sock`; D-Bus
//    EXTERNAL as the device user's uid over the forwarded socket (what the app uses);
//  - bridge: `ssh … systemd-stdio-bridge --bus-path=unix:path=…`, D-Bus over ssh's stdin and stdout.
// Connect time (ssh start to the bus's Hello answered), call latency (a small echo call), and the time
// of a 1 MB reply, from a small echo service run on the device bus as the device user.
// Prints a table; nothing here is a pass/fail test.
import { spawn, type ChildProcess } from 'node:child_process';
import { chownSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { waitConnected, type MessageBus } from '../main/dbus/bus.js';
import { DBusClient } from '../main/dbus/DBusClient.js';
import { parseDeviceAddress } from '../main/device/deviceAddress.js';
import { connectOnStream } from '../main/device/deviceBus.js';
import { DeviceSession } from '../main/device/DeviceSession.js';
import { deviceOptions, sshInvocation } from '../main/device/sshCommand.js';
import { startTestDevice, type TestDevice } from '../test/helpers/testDevice.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ROUNDS = Number(process.argv[process.argv.indexOf('--rounds') + 1] ?? NaN) || 5;
const CALLS = 200;
const BIG = 1_000_000;
const BIG_CALLS = 10;

const ECHO_SERVICE = `
const dbus = require('dbus-next');
class Bench extends dbus.interface.Interface {
  Echo(text) { return text; }
  Big(size) { return 'x'.repeat(size); }
}
Bench.configureMembers({ methods: {
  Echo: { inSignature: 's', outSignature: 's' },
  Big: { inSignature: 'u', outSignature: 's' },
} });
const bus = dbus.sessionBus({ busAddress: process.env.BUS });
bus.requestName('org.sfbackup.Bench', 4).then(() => {
  bus.export('/bench', new Bench('org.sfbackup.Bench'));
  console.log('ready');
});
`;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? NaN;
}

async function startEcho(device: TestDevice): Promise<ChildProcess> {
  const script = path.join(device.home, 'bench-echo.cjs');
  writeFileSync(script, ECHO_SERVICE);
  chownSync(script, device.uid, device.uid);
  const child = spawn(
    'setpriv',
    ['--reuid', String(device.uid), '--regid', String(device.uid), '--init-groups', '--', process.execPath, script],
    {
      env: {
        PATH: '/usr/bin:/bin',
        HOME: device.home,
        NODE_PATH: path.resolve(here, '..', '..', 'node_modules'),
        BUS: device.busAddress.replace('unix:path=', 'unix:socket='),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`echo service exited ${code}`)));
  });
  return child;
}

interface Sample {
  connectMs: number;
  latencies: number[];
  bigMs: number[];
}

async function measureCalls(client: DBusClient): Promise<Omit<Sample, 'connectMs'>> {
  const call = (member: string, signature: string, body: unknown[]) =>
    client.call('org.sfbackup.Bench', '/bench', 'org.sfbackup.Bench', member, signature, body);
  await call('Echo', 's', ['warm-up']);
  const latencies: number[] = [];
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now();
    await call('Echo', 's', ['ping']);
    latencies.push(performance.now() - t);
  }
  const bigMs: number[] = [];
  for (let i = 0; i < BIG_CALLS; i++) {
    const t = performance.now();
    const [reply] = await call('Big', 'u', [BIG]);
    if (String(reply).length !== BIG) throw new Error('short reply');
    bigMs.push(performance.now() - t);
  }
  return { latencies, bigMs };
}

async function viaForward(device: TestDevice, env: NodeJS.ProcessEnv): Promise<Sample> {
  const t = performance.now();
  const session = await DeviceSession.open(parseDeviceAddress(device.address), { env, interactive: false });
  const connectMs = performance.now() - t;
  try {
    return { connectMs, ...(await measureCalls(session.client)) };
  } finally {
    await session.close();
  }
}

async function viaBridge(device: TestDevice, env: NodeJS.ProcessEnv): Promise<Sample> {
  const t = performance.now();
  const { command, args } = sshInvocation(env, [
    ...deviceOptions(parseDeviceAddress(device.address), { interactive: false }),
    '--',
    device.host,
    `systemd-stdio-bridge --bus-path=unix:path=/run/user/${device.uid}/dbus/user_bus_socket`,
  ]);
  const child = spawn(command, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const stream = Duplex.from({ readable: child.stdout, writable: child.stdin });
  let bus: MessageBus | undefined;
  try {
    bus = await connectOnStream(stream, device.uid);
    bus.on('error', () => {});
    await waitConnected(bus);
    const connectMs = performance.now() - t;
    return { connectMs, ...(await measureCalls(new DBusClient(bus))) };
  } finally {
    bus?.disconnect();
    child.kill('SIGTERM');
  }
}

async function main(): Promise<void> {
  const device = await startTestDevice();
  const echo = await startEcho(device);
  const env = { ...process.env, SFBACKUP_SSH: device.sshCommand };
  try {
    const transports = [
      { name: 'forwarded socket (ssh -L, EXTERNAL as the device uid)', measure: viaForward, samples: [] as Sample[] },
      { name: 'systemd-stdio-bridge over ssh stdin/stdout', measure: viaBridge, samples: [] as Sample[] },
    ];
    // Rounds take turns, so a change in the load of the shared machine falls on both alike.
    for (let i = 0; i < ROUNDS; i++)
      for (const t of i % 2 === 0 ? transports : [...transports].reverse())
        t.samples.push(await t.measure(device, env));
    const rows: string[] = [];
    for (const { name, samples } of transports) {
      const latencies = samples.flatMap((s) => s.latencies);
      const big = samples.flatMap((s) => s.bigMs);
      rows.push(
        `| ${name} | ${median(samples.map((s) => s.connectMs)).toFixed(0)} ms | ${median(latencies).toFixed(2)} ms | ${percentile(latencies, 95).toFixed(2)} ms | ${median(big).toFixed(1)} ms | ${(BIG / 1e6 / (median(big) / 1000)).toFixed(0)} MB/s |`,
      );
    }
    console.log(`Rounds: ${ROUNDS}; per round ${CALLS} echo calls and ${BIG_CALLS} replies of 1 MB.\n`);
    console.log(
      '| transport | connect (median) | call latency (median) | call latency (p95) | 1 MB reply (median) | throughput |',
    );
    console.log('| --- | --- | --- | --- | --- | --- |');
    for (const row of rows) console.log(row);
  } finally {
    echo.kill('SIGTERM');
    await device.stop();
  }
}

await main();
