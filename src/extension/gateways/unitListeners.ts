import { Disposable, type IDisposable } from '../../core/util/lifecycle';
import type { GatewayUnit } from './gatewayUnit';
import type { Gateways } from './gateways';

/**
 * Listens to the same events of every gateway's unit, and to the units that come later:
 * what sums over all gateways (context keys, the status bar) subscribes here once instead
 * of keeping a list of units of its own.
 */
/** Any event of the core or of VS Code: what it carries does not matter here. */
type AnyEvent = (listener: (e: unknown) => unknown) => IDisposable;

export class UnitListeners extends Disposable {
  private readonly groups: { events: (u: GatewayUnit) => AnyEvent[]; listener: () => void; subscriptions: IDisposable[] }[] = [];

  constructor(private readonly gateways: Gateways) {
    super();
    this._register(
      gateways.onDidChange(() => {
        for (const g of this.groups) {
          this.subscribe(g);
          g.listener();
        }
      }),
    );
    this._register({ dispose: () => this.groups.forEach((g) => g.subscriptions.forEach((s) => s.dispose())) });
  }

  /** `listener` runs on any of `events` of any unit, and when units come or go. */
  on(events: (u: GatewayUnit) => AnyEvent[], listener: () => void): void {
    const group = { events, listener, subscriptions: [] as IDisposable[] };
    this.groups.push(group);
    this.subscribe(group);
  }

  private subscribe(group: (typeof this.groups)[number]): void {
    group.subscriptions.forEach((s) => s.dispose());
    group.subscriptions = this.gateways.list.flatMap((u) => group.events(u).map((event) => event(() => group.listener())));
  }
}
