import * as vscode from 'vscode';
import { Disposable, type IDisposable } from '../../../core/util/lifecycle';
import type { GatewayKey } from '../../../core/fleet/gatewayList';

/** A top-level row per gateway, shown only when more than one is configured. */
export interface GatewayNode {
  readonly type: 'gateway';
  readonly key: GatewayKey;
}

export function isGatewayNode(value: unknown): value is GatewayNode {
  return !!value && typeof value === 'object' && (value as GatewayNode).type === 'gateway' && typeof (value as GatewayNode).key === 'string';
}

/** What the fleet tree needs of one gateway: its provider for the rows under it and its own row. */
export interface FleetTreeSource<N extends object, U> {
  readonly units: () => readonly U[];
  readonly keyOf: (unit: U) => GatewayKey;
  readonly nameOf: (unit: U) => string;
  readonly providerOf: (unit: U) => vscode.TreeDataProvider<N> & { onDidChangeTreeData: vscode.Event<N | N[] | undefined | null | void> };
  /** The gateway's own row (label, state, totals); its id and collapsible state are set here. */
  readonly gatewayItem: (unit: U) => vscode.TreeItem;
  /** The row under a gateway whose provider shows nothing (no Guid, no agents…), or none. */
  readonly emptyItem?: (unit: U) => vscode.TreeItem | undefined;
  /** Fires when the list of gateways changed. */
  readonly onDidChangeUnits: vscode.Event<unknown>;
}

interface EmptyNode {
  readonly type: 'gatewayEmpty';
  readonly key: GatewayKey;
}

type FleetNode<N> = N | GatewayNode | EmptyNode;

/**
 * One tree over every gateway's provider. With one gateway it is that gateway's
 * tree, ids and all (as vscode-pull-request-github shows a folder node only with two or more);
 * with more, a row per gateway holds its rows, whose ids are prefixed by the gateway (VS Code
 * refuses duplicate ids, and `agent:101` may be watched on two gateways). The providers keep
 * caching their items; the base id of each item is remembered so a prefix is applied once.
 */
export class FleetTreeProvider<N extends object, U> extends Disposable implements vscode.TreeDataProvider<FleetNode<N>> {
  private readonly emitter = this._register(new vscode.EventEmitter<FleetNode<N> | FleetNode<N>[] | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  /** Which gateway each node handed out belongs to (nodes are the providers' own, stable objects). */
  private readonly owners = new WeakMap<object, U>();
  private readonly baseIds = new WeakMap<vscode.TreeItem, string | undefined>();
  private readonly gatewayNodes = new Map<GatewayKey, GatewayNode>();
  private readonly emptyNodes = new Map<GatewayKey, EmptyNode>();
  private listeners: IDisposable[] = [];

  constructor(private readonly source: FleetTreeSource<N, U>) {
    super();
    this._register(source.onDidChangeUnits(() => this.subscribe()));
    this._register({ dispose: () => this.listeners.forEach((l) => l.dispose()) });
    this.subscribe();
  }

  private get several(): boolean {
    return this.source.units().length > 1;
  }

  /** The gateway a node of this tree belongs to (a row's command argument), if it came from here. */
  ownerOf(node: unknown): U | undefined {
    if (!node || typeof node !== 'object') return undefined;
    if (isGatewayNode(node)) return this.source.units().find((u) => this.source.keyOf(u) === node.key);
    return this.owners.get(node);
  }

  private subscribe(): void {
    this.listeners.forEach((l) => l.dispose());
    this.listeners = this.source.units().map((unit) =>
      this.source.providerOf(unit).onDidChangeTreeData((changed) => {
        if (!this.several) return this.emitter.fire(changed ?? undefined);
        // Several gateways: the gateway's row (its totals) and the changed rows under it; all of them for a full refresh.
        const gateway = this.gatewayNode(unit);
        if (changed === undefined || changed === null) return this.emitter.fire(gateway);
        this.emitter.fire([gateway, ...(Array.isArray(changed) ? changed : [changed])]);
      }),
    );
    const keys = new Set(this.source.units().map((u) => this.source.keyOf(u)));
    for (const k of [...this.gatewayNodes.keys()]) if (!keys.has(k)) this.gatewayNodes.delete(k);
    this.emitter.fire(undefined);
  }

  private gatewayNode(unit: U): GatewayNode {
    const key = this.source.keyOf(unit);
    let node = this.gatewayNodes.get(key);
    if (!node) this.gatewayNodes.set(key, (node = { type: 'gateway', key }));
    this.owners.set(node, unit);
    return node;
  }

  private own(unit: U, nodes: N[]): N[] {
    for (const n of nodes) this.owners.set(n, unit);
    return nodes;
  }

  getChildren(element?: FleetNode<N>): FleetNode<N>[] {
    const units = this.source.units();
    if (!element) {
      if (units.length === 1) return this.own(units[0], (this.source.providerOf(units[0]).getChildren(undefined) as N[] | undefined) ?? []);
      return units.map((u) => this.gatewayNode(u));
    }
    const unit = this.ownerOf(element);
    if (!unit) return [];
    if (isGatewayNode(element)) {
      const rows = this.own(unit, (this.source.providerOf(unit).getChildren(undefined) as N[] | undefined) ?? []);
      if (rows.length > 0 || !this.source.emptyItem?.(unit)) return rows;
      const key = this.source.keyOf(unit);
      const empty = this.emptyNodes.get(key) ?? this.emptyNodes.set(key, { type: 'gatewayEmpty', key }).get(key)!;
      this.owners.set(empty, unit);
      return [empty];
    }
    if (isEmpty(element)) return [];
    return this.own(unit, (this.source.providerOf(unit).getChildren(element) as N[] | undefined) ?? []);
  }

  getParent(element: FleetNode<N>): FleetNode<N> | undefined {
    if (isGatewayNode(element)) return undefined;
    const unit = this.ownerOf(element);
    if (!unit) return undefined;
    if (isEmpty(element)) return this.gatewayNode(unit);
    const parent = this.source.providerOf(unit).getParent?.(element) as N | undefined;
    if (parent) return parent;
    return this.several ? this.gatewayNode(unit) : undefined;
  }

  getTreeItem(element: FleetNode<N>): vscode.TreeItem {
    const unit = this.ownerOf(element);
    if (!unit) return new vscode.TreeItem('');
    const prefix = `gateway:${this.source.keyOf(unit)}`;
    if (isGatewayNode(element)) {
      const item = this.source.gatewayItem(unit);
      item.id = prefix;
      item.collapsibleState = vscode.TreeItemCollapsibleState.Expanded;
      return item;
    }
    if (isEmpty(element)) {
      const item = this.source.emptyItem?.(unit) ?? new vscode.TreeItem('');
      item.id = `${prefix}/empty`;
      return item;
    }
    const item = this.source.providerOf(unit).getTreeItem(element) as vscode.TreeItem;
    this.applyPrefix(item, this.several ? `${prefix}/` : '', unit);
    return item;
  }

  resolveTreeItem(item: vscode.TreeItem, element: FleetNode<N>, token: vscode.CancellationToken): vscode.ProviderResult<vscode.TreeItem> {
    const unit = this.ownerOf(element);
    if (!unit || isGatewayNode(element) || isEmpty(element)) return item;
    return this.source.providerOf(unit).resolveTreeItem?.(item, element, token) ?? item;
  }

  /** Hierarchical ids with several gateways; a row's commands then name its gateway. */
  private applyPrefix(item: vscode.TreeItem, prefix: string, unit: U): void {
    if (!this.baseIds.has(item)) this.baseIds.set(item, item.id);
    const base = this.baseIds.get(item);
    if (base !== undefined) item.id = `${prefix}${base}`;
    if (item.command && prefix !== '') {
      const [first, ...rest] = (item.command.arguments ?? []) as unknown[];
      if (first === undefined || (typeof first === 'object' && first !== null && !('type' in first))) {
        item.command = { ...item.command, arguments: [{ ...((first ?? {})), gateway: this.source.nameOf(unit) }, ...rest] };
      }
    }
  }
}

function isEmpty(value: unknown): value is EmptyNode {
  return !!value && typeof value === 'object' && (value as EmptyNode).type === 'gatewayEmpty';
}
