import * as vscode from 'vscode';
import type { StoredGuid } from '../../../core/credentials/guidStore';
import type { CommandContext } from './commandContext';

/** A stored credential, named (never its value): a Guid (gateway-wide without agentId) or an agent's sign-in password. */
export type StoredCredential = (StoredGuid & { readonly kind: 'guid' }) | { readonly kind: 'password'; readonly origin: string; readonly agentId: string };

export interface CredentialPickItem extends vscode.QuickPickItem {
  readonly credential?: StoredCredential;
}

/** One separator per gateway origin, one row per stored Guid or password. Names only: a value is never read into the UI. */
export function credentialPickItems(stored: readonly StoredCredential[]): CredentialPickItem[] {
  const items: CredentialPickItem[] = [];
  let origin: string | undefined;
  for (const c of [...stored].sort((a, b) => (a.origin < b.origin ? -1 : a.origin > b.origin ? 1 : 0))) {
    if (c.origin !== origin) {
      origin = c.origin;
      items.push({ label: c.origin, kind: vscode.QuickPickItemKind.Separator });
    }
    items.push(
      c.kind === 'password'
        ? { label: `$(lock) ${vscode.l10n.t('Password of agent {0}', c.agentId)}`, description: vscode.l10n.t('signs agent {0} in again after a lost session', c.agentId), credential: c }
        : c.agentId
          ? { label: `$(key) ${vscode.l10n.t('Guid of agent {0}', c.agentId)}`, description: vscode.l10n.t('used for agent {0} instead of the gateway’s Guid', c.agentId), credential: c }
          : { label: `$(key) ${vscode.l10n.t('Guid for all agents')}`, description: c.origin, credential: c },
    );
  }
  return items;
}

/** `https://host:8043/` and `https://HOST:8043` name the same origin; anything unparsable is compared as given. */
function originOf(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    return new URL(value.trim()).origin;
  } catch {
    return value;
  }
}

/** The entries of `{ remove: [{ origin, agentId?, kind? }] }` that are stored (`kind`: "guid", the default, or "password"). */
function scripted(arg: { remove?: unknown }, stored: readonly StoredCredential[]): StoredCredential[] {
  const wanted = Array.isArray(arg.remove) ? (arg.remove as unknown[]) : [];
  return stored.filter((s) =>
    wanted.some((w) => {
      if (!w || typeof w !== 'object') return false;
      const { origin, agentId, kind } = w as { origin?: unknown; agentId?: unknown; kind?: unknown };
      if ((kind ?? 'guid') !== s.kind) return false;
      const agent = typeof agentId === 'string' || typeof agentId === 'number' ? String(agentId).trim() : undefined;
      if (agentId !== undefined && agent === undefined) return false;
      return originOf(origin) === s.origin && agent === s.agentId;
    }),
  );
}

/**
 * "Manage Credentials…": which Guids are stored, per gateway origin (gateway-wide and per
 * agent), never their values; the ones picked are removed from secret storage. Scripts pass
 * `{ remove: [{ origin, agentId? }] }`. Returns how many were removed.
 * `onDidShowPicker` hands the open picker to the integration tests (test hooks only).
 */
export function registerManageCredentials(ctx: CommandContext): { disposable: vscode.Disposable; onDidShowPicker: vscode.Event<vscode.QuickPick<CredentialPickItem>> } {
  const shown = new vscode.EventEmitter<vscode.QuickPick<CredentialPickItem>>();

  const pick = (stored: readonly StoredCredential[]): Promise<StoredCredential[]> => {
    const qp = vscode.window.createQuickPick<CredentialPickItem>();
    qp.title = vscode.l10n.t('CC-Gateway: Manage Credentials');
    qp.placeholder = vscode.l10n.t('Select the Guids and passwords to remove from secret storage (their values are never shown)');
    qp.canSelectMany = true;
    qp.matchOnDescription = true;
    qp.ignoreFocusOut = true;
    qp.items = credentialPickItems(stored);
    return new Promise<StoredCredential[]>((resolve) => {
      let settled = false;
      const done = (chosen: StoredCredential[]) => {
        if (settled) return;
        settled = true;
        resolve(chosen);
        qp.dispose();
      };
      qp.onDidAccept(() => done(qp.selectedItems.flatMap((i) => (i.credential ? [i.credential] : []))));
      qp.onDidHide(() => done([]));
      qp.show();
      shown.fire(qp);
    });
  };

  const command = vscode.commands.registerCommand('ccGateway.manageCredentials', async (arg?: unknown): Promise<number> => {
    // Origins to check besides the index: a Guid stored by 0.1.0 (before the index) for the current or a pinned gateway.
    const alsoCheck = [...ctx.gateways.list.map((u) => u.origin), ...ctx.trusted.origins()].filter((o): o is string => !!o);
    const stored: StoredCredential[] = [
      ...(await ctx.guids.stored(alsoCheck)).map((g) => ({ ...g, kind: 'guid' as const })),
      ...(await ctx.sessions.storedPasswords()).map((p) => ({ ...p, kind: 'password' as const })),
    ];
    const interactive = !(arg && typeof arg === 'object' && 'remove' in arg);
    let chosen: StoredCredential[];
    if (!interactive) chosen = scripted(arg, stored);
    else if (stored.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No Guid is stored.'));
      return 0;
    } else chosen = await pick(stored);
    for (const c of chosen) {
      if (c.kind === 'guid') await ctx.guids.delete(c.origin, c.agentId);
      else {
        // Without its password a lost session cannot be signed in again: it is not signed in at the next start either.
        await ctx.sessions.deletePassword(c.origin, c.agentId);
        await ctx.sessions.forget(c.origin, c.agentId);
      }
    }
    if (chosen.length > 0) {
      ctx.log.info(`Removed ${chosen.length} stored credential(s): ${chosen.map((c) => `${c.kind} ${c.agentId ? `${c.origin}, agent ${c.agentId}` : c.origin}`).join('; ')}.`);
      if (interactive) void vscode.window.showInformationMessage(vscode.l10n.t('{0} stored credential(s) removed from secret storage.', chosen.length));
    }
    return chosen.length;
  });

  return { disposable: vscode.Disposable.from(command, shown), onDidShowPicker: shown.event };
}
