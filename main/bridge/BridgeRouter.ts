// Which device the Settings UI acts on: this computer (the SettingsBridge on the local stores and engine)
// or a device over SSH (device/DeviceBridge). The transports talk to this router; it answers the
// devices.* calls itself and hands every other call, and takes every event, from the chosen one.
import { EventEmitter } from 'node:events';
import { DeviceBridge } from '../device/DeviceBridge.js';
import { checkedDeviceView, type DeviceStore } from '../device/DeviceStore.js';
import { InputError } from '../errors.js';
import type { CallArgs, CallName, CallResult, DeviceCall, DeviceState, EventName } from '../ipc/contract.js';
import { DeviceCopies, type CopyCall } from './deviceCopies.js';
import type { UiBridge } from './dispatch.js';
import type { SettingsBridge } from './SettingsBridge.js';

type DeviceHandlers = {
  [C in Exclude<DeviceCall, CopyCall>]: (...args: CallArgs<C>) => Promise<CallResult<C>> | CallResult<C>;
};

const LOCAL: DeviceState = { device: null, state: 'local' };

export class BridgeRouter implements UiBridge {
  private readonly emitter = new EventEmitter();
  private device: DeviceBridge | undefined;
  private offDevice: () => void = () => {};
  private readonly offLocal: () => void;
  /** Copies between the chosen device and this computer: they need both sides, so the router runs them. */
  private readonly copies: DeviceCopies;

  constructor(
    private readonly local: SettingsBridge,
    private readonly store: DeviceStore,
    private readonly env: NodeJS.ProcessEnv,
  ) {
    this.emitter.setMaxListeners(100);
    this.offLocal = local.onEvent((name, payload) => {
      if (!this.device) this.emitter.emit('event', name, payload);
    });
    this.copies = new DeviceCopies({
      session: () => {
        if (!this.device) throw new InputError('Choose a device first: copies go between a device and this computer.');
        return this.device.connectedSession();
      },
      local,
      env,
      emit: (name, payload) => this.emitter.emit('event', name, payload),
    });
  }

  onEvent(listener: (name: EventName, payload: unknown) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  private get current(): DeviceState {
    return this.device?.state ?? LOCAL;
  }

  private async switchTo(next: DeviceBridge | undefined): Promise<DeviceState> {
    const previous = this.device;
    // A copy runs over the previous device's connection, which is about to close.
    this.copies.cancelAll();
    this.offDevice();
    this.device = next;
    this.offDevice = next ? next.onEvent((name, payload) => this.emitter.emit('event', name, payload)) : () => {};
    await previous?.close();
    if (!next) this.emitter.emit('event', 'device.state', LOCAL);
    // The pages reload what they show from the new target.
    this.emitter.emit('event', 'accounts.changed', {});
    return next ? next.connect() : LOCAL;
  }

  private readonly handlers: DeviceHandlers = {
    'devices.list': () => ({ devices: this.store.list(), current: this.current }),
    // Remembered once it answered: an address that never worked (a typo, no key yet) is not kept, and the
    // pages stay on this computer while the dialog says why.
    'devices.connect': async (input) => {
      const state = await this.switchTo(new DeviceBridge(checkedDeviceView(input), this.env));
      if (state.state === 'connected') this.store.remember(input);
      else await this.switchTo(undefined);
      return state;
    },
    'devices.use': (id) => {
      if (id === null) return this.switchTo(undefined);
      const device = this.store.list().find((d) => d.id === id);
      if (!device) throw new InputError(`No remembered device ${id}`);
      return this.switchTo(new DeviceBridge(device, this.env));
    },
    'devices.forget': async (id) => {
      if (this.device?.device.id === id) await this.switchTo(undefined);
      this.store.forget(id);
      return null;
    },
  };

  handle<C extends CallName>(name: C, args: CallArgs<C>): Promise<CallResult<C>> {
    for (const handlers of [this.handlers, this.copies.handlers]) {
      if (!Object.hasOwn(handlers, name)) continue;
      const handler = (handlers as Record<string, unknown>)[name] as (...a: CallArgs<C>) => Promise<CallResult<C>>;
      return Promise.resolve().then(() => handler(...args));
    }
    return (this.device ?? this.local).handle(name, args);
  }

  async close(): Promise<void> {
    this.copies.cancelAll();
    this.offLocal();
    this.offDevice();
    await this.device?.close();
    this.emitter.removeAllListeners();
  }
}
