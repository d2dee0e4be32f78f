import type { Preferences } from '../../core/storage/preferences';
import { formatTimeInState } from '../../core/format/format';
import { shownPresence, type TimeInStateReading } from '../../core/supervisor/supervisor';
import { TimeInState, type StateSpan } from '../../core/supervisor/timeInState';
import { systemClock, type Clock, type TimerHandle } from '../../core/util/clock';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import type { AgentMonitor } from './agentMonitor';
import type { Presence } from '../../core/supervisor/agentState';

/** Rows show whole minutes from the first minute on: looking three times a minute keeps them within 20 s. */
const TICK_MS = 20_000;
/** Under a minute rows count seconds: those rows are looked at every second (only agents whose state just changed). */
const SECOND_TICK_MS = 1_000;
const SAVE_DELAY_MS = 5_000;

export interface StateReading extends TimeInStateReading {
  readonly presence: Presence;
  /** The time as a row shows it: seconds under a minute ("45 s"), then minutes ("6 min"). */
  readonly shown: string;
}

/**
 * Time in state per watched agent for the view: fed by the state readings
 * and the counters' "not signed in", kept per gateway in global state so a window reload
 * continues the spans, and a tick that says which rows' minutes changed.
 */
export class StateTimes extends Disposable {
  private tracker: TimeInState;
  private origin: string | undefined;
  private tickTimer: TimerHandle | undefined;
  private tickDelay = TICK_MS;
  private saveTimer: TimerHandle | undefined;
  private readonly shown = new Map<string, string>();
  private readonly onDidChangeEmitter = this._register(new Emitter<readonly string[]>());
  /** Agents whose time in state, as a row shows it, changed. */
  readonly onDidChange = this.onDidChangeEmitter.event;

  constructor(
    private readonly monitor: AgentMonitor,
    private readonly preferences: Preferences,
    private readonly clock: Clock = systemClock,
  ) {
    super();
    this.origin = monitor.settings.origin;
    this.tracker = this.load(this.origin);
    this._register(monitor.core.states.onDidChange((ids) => this.observe(ids)));
    this._register(monitor.core.store.onDidChange((change) => this.observe(change.structural ? monitor.core.store.all().map((e) => e.agentId) : change.changed)));
    this._register(monitor.onDidChangeSettings((s) => this.switchTo(s.origin)));
    this._register({ dispose: () => this.stopTimers() });
  }

  reading(agentId: string, now = this.clock.now()): StateReading | undefined {
    const span = this.tracker.get(agentId);
    if (!span) return undefined;
    const seconds = Math.max(0, Math.floor((now - span.since) / 1000));
    return { presence: span.presence, seconds, atLeast: span.atLeast, shown: formatTimeInState(seconds) };
  }

  span(agentId: string): StateSpan | undefined {
    return this.tracker.get(agentId);
  }

  /** Writes the spans now (deactivation). */
  save(): Thenable<void> | undefined {
    if (!this.origin) return undefined;
    const states = this.monitor.core.states;
    const spans = Object.fromEntries(Object.entries(this.tracker.snapshot()).map(([id, s]) => [id, { ...s, seenAt: Math.max(s.seenAt, states.get(id)?.at ?? 0) }]));
    return this.preferences.setTimeInState(this.origin, spans);
  }

  override dispose(): void {
    if (!this.isDisposed) void this.save();
    super.dispose();
  }

  private load(origin: string | undefined): TimeInState {
    return new TimeInState(this.clock, (origin && this.preferences.timeInState(origin)) || {});
  }

  private switchTo(origin: string | undefined): void {
    if (origin === this.origin) return this.observe(this.monitor.core.store.all().map((e) => e.agentId));
    void this.save();
    this.origin = origin;
    this.tracker = this.load(origin);
    this.shown.clear();
    this.observe(this.monitor.core.store.all().map((e) => e.agentId));
  }

  private observe(ids: readonly string[]): void {
    if (this.isDisposed) return;
    const changed: string[] = [];
    for (const id of ids) {
      if (!this.monitor.core.store.has(id)) continue;
      const presence = shownPresence(this.monitor.core.store.get(id), this.monitor.core.states.get(id));
      const at = this.monitor.core.states.get(id)?.at ?? this.clock.now();
      if (this.tracker.observe(id, presence, Math.min(at, this.clock.now()))) changed.push(id);
    }
    this.tracker.retain(this.monitor.core.store.all().map((e) => e.agentId));
    if (changed.length) {
      for (const id of changed) this.shown.set(id, this.key(id));
      this.scheduleSave();
    }
    this.armTick();
  }

  private key(id: string): string {
    const r = this.reading(id);
    return r ? `${r.presence}|${r.atLeast}|${r.shown}` : '';
  }

  private armTick(): void {
    if (this.tracker.agents().length === 0) return;
    const now = this.clock.now();
    const counting = this.tracker.agents().some((id) => (this.tracker.seconds(id, now) ?? 60) < 60);
    const delay = counting ? SECOND_TICK_MS : TICK_MS;
    if (this.tickTimer !== undefined) {
      // A state that just changed counts seconds: a slow tick already armed would leave its row still for 20 s.
      if (this.tickDelay <= delay) return;
      this.clock.clearTimeout(this.tickTimer);
    }
    this.tickDelay = delay;
    this.tickTimer = this.clock.setTimeout(() => {
      this.tickTimer = undefined;
      this.tick();
    }, delay);
  }

  /** Fires the agents whose time in state, as shown, changed since it was last shown. */
  tick(): void {
    if (this.isDisposed) return;
    const changed: string[] = [];
    for (const id of this.tracker.agents()) {
      const k = this.key(id);
      if (this.shown.get(id) !== k) {
        this.shown.set(id, k);
        changed.push(id);
      }
    }
    if (changed.length) this.onDidChangeEmitter.fire(changed);
    this.armTick();
  }

  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    this.saveTimer = this.clock.setTimeout(() => {
      this.saveTimer = undefined;
      if (!this.isDisposed) void this.save();
    }, SAVE_DELAY_MS);
  }

  private stopTimers(): void {
    if (this.tickTimer !== undefined) this.clock.clearTimeout(this.tickTimer);
    if (this.saveTimer !== undefined) this.clock.clearTimeout(this.saveTimer);
    this.tickTimer = this.saveTimer = undefined;
  }
}
