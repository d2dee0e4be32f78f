import * as vscode from 'vscode';
import { Fleet } from '../../core/fleet/fleet';
import { findGateway, type GatewayKey } from '../../core/fleet/gatewayList';
import { gatewayIdOf } from '../../core/ids/gatewayId';
import { Disposable, Emitter } from '../../core/util/lifecycle';
import { readGateways, SECTION } from '../adapters/settings';
import type { BackgroundNotifier } from '../ui/notifications/notifier';
import { GatewayUnit, type UnitServices } from './gatewayUnit';

/** A command argument that names its gateway: `{ gateway: "Site A" }` or `{ gateway: "https://host:8043" }`. */
export function gatewayArgument(arg: unknown): string | undefined {
  const g = arg && typeof arg === 'object' ? (arg as { gateway?: unknown }).gateway : undefined;
  return typeof g === 'string' && g.trim() !== '' ? g : undefined;
}

/**
 * The gateways to watch, one GatewayUnit each, following the settings
 * (ccGateway.gateways and the top-level keys). A change that adds or removes one gateway
 * creates or disposes only that unit. Commands find "their" gateway here: the row's, the
 * one a script named, the only one, or the one the user picks.
 */
export class Gateways extends Disposable {
  private readonly fleet: Fleet<GatewayUnit>;
  private readonly onDidChangeEmitter = this._register(new Emitter<void>());
  /** Gateways were added, removed or re-ordered. */
  readonly onDidChange = this.onDidChangeEmitter.event;
  private problemsShown = '';
  /** Finds the gateway of a tree node (set by activate.ts: the trees know their nodes). */
  ownerOfNode: (node: unknown) => GatewayUnit | undefined = () => undefined;

  constructor(
    services: UnitServices,
    private readonly notifier: BackgroundNotifier,
  ) {
    super();
    this.fleet = this._register(
      new Fleet((entry) => {
        const unit = new GatewayUnit(entry.key, services);
        // A gateway added while polling is paused starts paused, like the others.
        if (this.paused) unit.monitor.pause();
        return unit;
      }),
    );
    this._register(this.fleet.onDidChange(() => this.onDidChangeEmitter.fire()));
    this.reconcile();
    this._register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (['gateways', 'gatewayUrl'].some((k) => e.affectsConfiguration(`${SECTION}.${k}`))) this.reconcile();
      }),
    );
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.reconcile()));
  }

  private paused = false;

  /** Pause or resume polling of every gateway, and of those added later. */
  setPaused(paused: boolean): void {
    this.paused = paused;
    for (const u of this.list) {
      if (paused) u.monitor.pause();
      else u.monitor.resume();
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get list(): readonly GatewayUnit[] {
    return this.fleet.list;
  }

  /** The first gateway (the top-level one when it is set): there is always at least one. */
  get primary(): GatewayUnit {
    return this.fleet.list[0];
  }

  get(key: GatewayKey): GatewayUnit | undefined {
    return this.fleet.get(key);
  }

  /** By name (any case) or by URL. */
  find(nameOrUrl: string): GatewayUnit | undefined {
    return findGateway(this.list.map((u) => ({ unit: u, name: u.name, origin: u.origin === undefined ? undefined : gatewayIdOf(u.origin) })), nameOrUrl)?.unit;
  }

  /**
   * The gateway a command acts on: the row's, `{ gateway }` of a script, the only one, or
   * (from the palette, with several) the one the user picks. Undefined when the user
   * cancels or a script names a gateway that is not configured (said in an error message).
   */
  async resolve(arg: unknown, title: string): Promise<GatewayUnit | undefined> {
    const owner = this.ownerOfNode(arg);
    if (owner) return owner;
    const named = gatewayArgument(arg);
    if (named !== undefined) {
      const unit = this.find(named);
      if (!unit) void vscode.window.showErrorMessage(vscode.l10n.t('No gateway named "{0}" is configured. Use the name or the URL of an entry of ccGateway.gateways, or the host of ccGateway.gatewayUrl.', named));
      return unit;
    }
    if (this.list.length === 1) return this.primary;
    const picked = await vscode.window.showQuickPick(
      this.list.map((unit) => ({ label: `$(server) ${unit.name}`, description: unit.origin ?? unit.monitor.settings.gatewayUrlText, unit })),
      { title, placeHolder: vscode.l10n.t('Which gateway?') },
    );
    return picked?.unit;
  }

  private reconcile(): void {
    const { entries, problems } = readGateways();
    this.fleet.reconcile(entries);
    const text = JSON.stringify(problems);
    if (text === this.problemsShown) return;
    this.problemsShown = text;
    if (problems.length === 0) return this.notifier.resolve('invalidGateways');
    this.notifier.notify(
      'invalidGateways',
      text,
      'warning',
      problems.length === 1 ? problems[0] : vscode.l10n.t('ccGateway.gateways has {0} problems. The first: {1}', problems.length, problems[0]),
      { title: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', 'ccGateway.gateways') },
    );
  }

  /** Deactivation: every gateway signs its sessions out (bounded), then stops. */
  shutdown(): Promise<void> {
    const done = Promise.all(this.list.map((u) => u.shutdown())).then(() => undefined);
    this.dispose();
    return done;
  }
}
