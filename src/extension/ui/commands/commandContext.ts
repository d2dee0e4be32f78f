import type * as vscode from 'vscode';
import type { AgentMonitor } from '../../gateways/agentMonitor';
import type { GuidStore } from '../../../core/credentials/guidStore';
import type { SessionStore } from '../../../core/credentials/sessionStore';
import type { TrustedCertificates } from '../../../core/credentials/trustedCertificates';
import type { Gateways } from '../../gateways/gateways';
import type { GatewayUnit } from '../../gateways/gatewayUnit';
import { isGatewayNode } from '../trees/fleetTree';

/** What every registerX needs; passed explicitly so commands stay testable and small. */
export interface CommandContext {
  /** Every gateway; a command finds its own with gateways.resolve(arg). */
  readonly gateways: Gateways;
  /** The first gateway's monitor: for what is not bound to one gateway (pause, refresh of all goes through gateways). */
  readonly monitor: AgentMonitor;
  readonly guids: GuidStore;
  readonly sessions: SessionStore;
  readonly trusted: TrustedCertificates;
  readonly log: vscode.LogOutputChannel;
}

/** The context of one gateway's command: `monitor` is that gateway's. */
export function forGateway(ctx: CommandContext, unit: { readonly monitor: AgentMonitor }): CommandContext {
  return { ...ctx, gateways: ctx.gateways, monitor: unit.monitor };
}

/**
 * A script's or a row's argument without its `gateway` (already used to find the gateway):
 * `{ gateway }` alone is no argument at all; tree nodes are passed as they are.
 */
export function withoutGateway(arg: unknown): unknown {
  if (isGatewayNode(arg)) return undefined;
  if (!arg || typeof arg !== 'object' || Array.isArray(arg) || 'type' in arg || !('gateway' in arg)) return arg;
  const rest: Record<string, unknown> = { ...(arg as Record<string, unknown>) };
  delete rest.gateway;
  return Object.keys(rest).length === 0 ? undefined : rest;
}

/**
 * The preamble of a command that acts on one gateway: the gateway the argument names (a row, a
 * script's `{ gateway }`), the only one, or the one the user picks; undefined when none.
 */
export async function gatewayContext(root: CommandContext, arg: unknown, title: string): Promise<(CommandContext & { readonly unit: GatewayUnit }) | undefined> {
  const unit = await root.gateways.resolve(arg, title);
  return unit && { ...forGateway(root, unit), unit };
}
