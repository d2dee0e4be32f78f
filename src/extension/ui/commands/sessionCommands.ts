import * as vscode from 'vscode';
import { describeStop, isPasswordRefused } from '../sessionWords';
import { plainWords } from '../../../core/format/plainWords';
import { isGatewayError } from '../../../core/model/errors';
import { validateAgentId, type AgentId } from '../../../core/ids/agentId';
import { isAgentNode } from '../trees/agentsTreeProvider';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';
import { requireOrigin } from './requireOrigin';

interface SignInArgument {
  readonly agentId?: unknown;
  readonly password?: unknown;
  readonly phoneNumber?: unknown;
}

/**
 * Sign In… opens the extension's own session for an agent (agent ID, password, optional
 * phone number; or one argument `{ agentId, password, phoneNumber? }` for scripts, no prompts)
 * and returns true when signed in. The password goes to SecretStorage (per gateway and agent)
 * only after the gateway accepted it, so a lost session can be signed in again without asking
 * and a mistyped one is never tried again on its own.
 * Sign Out ends a session (or, with no argument and one session, that one).
 */
export function registerSessionCommands(root: CommandContext): vscode.Disposable[] {
  const signIn = async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Sign In'));
    if (!ctx) return false;
    arg = withoutGateway(arg);
    const origin = await requireOrigin(ctx, vscode.l10n.t('Set the gateway URL first: a session belongs to one gateway.'));
    if (!origin) return false;
    const scripted = arg !== undefined && arg !== null && typeof arg === 'object' && !isAgentNode(arg);
    const max = ctx.monitor.settings.agentIdMax;
    let agentId: AgentId | undefined;
    let password: string | undefined;
    let phoneNumber: string | undefined;
    if (scripted) {
      const o = arg as SignInArgument;
      const r = validateAgentId(o.agentId, max);
      if (!r.ok) return fail(r.message);
      agentId = r.value;
      if (typeof o.password !== 'string' || o.password === '' || o.password.length > 32) return fail(vscode.l10n.t('The password must be 1 to 32 characters.'));
      password = o.password;
      if (o.phoneNumber !== undefined && (typeof o.phoneNumber !== 'string' || !/^[0-9*#+]{1,24}$/.test(o.phoneNumber))) return fail(vscode.l10n.t('The phone number must be up to 24 digits (and * # +).'));
      phoneNumber = o.phoneNumber || undefined;
    } else {
      const preset = isAgentNode(arg) ? arg.agentId : undefined;
      const id = await vscode.window.showInputBox({
        title: vscode.l10n.t('CC-Gateway: Sign In (1/3)'),
        prompt: vscode.l10n.t('Agent ID to sign in at {0}', origin),
        value: preset,
        ignoreFocusOut: true,
        validateInput: (v) => {
          const r = validateAgentId(v, max);
          return r.ok ? undefined : r.message;
        },
      });
      if (id === undefined) return false;
      const r = validateAgentId(id, max);
      if (!r.ok) return false;
      agentId = r.value;
      password = await vscode.window.showInputBox({
        title: vscode.l10n.t('CC-Gateway: Sign In (2/3)'),
        prompt: vscode.l10n.t('Password of agent {0} (kept in the secret storage of VS Code for this gateway only)', agentId),
        password: true,
        ignoreFocusOut: true,
        validateInput: (v) => (v.length >= 1 && v.length <= 32 ? undefined : vscode.l10n.t('The password must be 1 to 32 characters.')),
      });
      if (!password) return false;
      const phone = await vscode.window.showInputBox({
        title: vscode.l10n.t('CC-Gateway: Sign In (3/3)'),
        prompt: vscode.l10n.t('Phone number (optional; leave empty when the agent takes no calls from here)'),
        ignoreFocusOut: true,
        validateInput: (v) => (v === '' || /^[0-9*#+]{1,24}$/.test(v) ? undefined : vscode.l10n.t('The phone number must be up to 24 digits (and * # +).')),
      });
      if (phone === undefined) return false;
      phoneNumber = phone || undefined;
    }

    const before = ctx.monitor.core.sessions.get(agentId);
    if (before?.kind === 'signed-in') {
      // Nothing is sent, so nothing verifies the password typed now: it is not stored.
      void vscode.window.showInformationMessage(vscode.l10n.t('Agent {0} is already signed in from here.', agentId));
      return true;
    }
    let ok: boolean;
    try {
      ok = await ctx.monitor.synced().signIn(agentId, { password, phoneNumber, at: origin });
    } catch (e) {
      return fail(isGatewayError(e) ? e.message : String(e));
    }
    const status = ctx.monitor.core.sessions.get(agentId);
    if (!ok && status?.kind === 'stopped' && status.failure === 'elsewhere' && !scripted) {
      // Forcing signs the other client out: only after the user read that.
      const force = vscode.l10n.t('Sign In Here');
      const choice = await vscode.window.showWarningMessage(
        vscode.l10n.t('Agent {0} is already signed in elsewhere (100-002).', agentId),
        { modal: true, detail: vscode.l10n.t('Signing in here signs the other client out (its workbench or another tool), ending its session. Do this only if that session is yours and abandoned.') },
        force,
      );
      if (choice === force) {
        try {
          ok = await ctx.monitor.synced().signIn(agentId, { force: true, password, phoneNumber, at: origin });
        } catch (e) {
          return fail(isGatewayError(e) ? e.message : String(e));
        }
      }
    }
    if (ok) {
      const now = ctx.monitor.core.sessions.get(agentId);
      // Stored only once the gateway accepted it here: a window that follows another window's
      // session sent nothing, so its typed password is unverified and is not kept.
      if (now?.kind === 'signed-in' && !now.elsewhere) await ctx.sessions.accepted(origin, agentId, password);
      await ctx.sessions.remember(origin, { agentId, phoneNumber });
      ctx.log.info(`Signed in as agent ${agentId} at ${origin}.`);
      vscode.window.setStatusBarMessage(`$(pass) ${vscode.l10n.t('Signed in as agent {0}', agentId)}`, 4000);
      return true;
    }
    // A refused password was already deleted by the session (PasswordVault): nothing may try it again on its own.
    const after = ctx.monitor.core.sessions.get(agentId);
    if (isPasswordRefused(after) && !scripted) {
      // Short enough to be read whole in the toast; the button asks again (the code is in the log).
      const again = vscode.l10n.t('Sign In…');
      void vscode.window.showErrorMessage(describeStop(agentId, after), again).then((c) => c === again && vscode.commands.executeCommand('ccGateway.signIn', { type: 'agent', agentId }));
    } else if (after?.kind !== 'stopped' || after.failure !== 'elsewhere' || scripted) void vscode.window.showErrorMessage(describeStop(agentId, after));
    return false;
  };

  const signOut = async (arg?: unknown): Promise<boolean> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Sign Out'));
    if (!ctx) return false;
    arg = withoutGateway(arg);
    const origin = ctx.monitor.settings.origin;
    if (!origin) return false;
    const active = [...ctx.monitor.core.sessions.keys()];
    let agentId: string | undefined;
    if (arg !== undefined && arg !== null) {
      const r = validateAgentId(isAgentNode(arg) ? arg.agentId : typeof arg === 'object' ? (arg as { agentId?: unknown }).agentId : arg, ctx.monitor.settings.agentIdMax);
      if (!r.ok) return fail(r.message);
      agentId = r.value;
    } else if (active.length === 1) agentId = active[0];
    else if (active.length > 1) {
      agentId = await vscode.window.showQuickPick(active, { title: vscode.l10n.t('CC-Gateway: Sign Out'), placeHolder: vscode.l10n.t('Agent to sign out') });
      if (!agentId) return false;
    }
    if (!agentId || !active.includes(agentId)) {
      if (agentId) await forget(origin, agentId);
      void vscode.window.showInformationMessage(agentId ? vscode.l10n.t('Agent {0} is not signed in from here.', agentId) : vscode.l10n.t('No agent is signed in from here.'));
      return false;
    }
    await ctx.monitor.core.signOut(agentId);
    await forget(origin, agentId);
    vscode.window.setStatusBarMessage(`$(sign-out) ${vscode.l10n.t('Agent {0} signed out', agentId)}`, 4000);
    return true;
  };

  /** Signed out on purpose: not signed in again at the next start, and the password is removed. */
  const forget = async (origin: string, agentId: string) => {
    await root.sessions.forget(origin, agentId);
    await root.sessions.deletePassword(origin, agentId);
  };

  return [vscode.commands.registerCommand('ccGateway.signIn', signIn), vscode.commands.registerCommand('ccGateway.signOut', signOut)];
}

function fail(message: string): false {
  void vscode.window.showErrorMessage(plainWords(message).words);
  return false;
}
