import * as vscode from 'vscode';
import { normalizeFingerprint, type CertificateRefusal } from '../../../core/model/certificate';
import { tlsWhy } from '../../../core/model/errors';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';

function day(iso: string): string {
  return iso ? iso.slice(0, 10) : '?';
}

/** Everything the user needs to compare with what the gateway's administrator says; peer-supplied text stays plain. */
function certificateDetail(origin: string, refusal: CertificateRefusal, now: number): string {
  const c = refusal.certificate;
  const expired = c.validTo !== '' && Date.parse(c.validTo) < now;
  const notYet = c.validFrom !== '' && Date.parse(c.validFrom) > now;
  const lines = [
    vscode.l10n.t('Subject: {0}', c.subject || '?'),
    vscode.l10n.t('Issuer: {0}', c.selfSigned ? vscode.l10n.t('{0} (self-signed)', c.issuer) : c.issuer || '?'),
    vscode.l10n.t('Valid: {0} to {1}', day(c.validFrom), day(c.validTo)) + (expired ? ` — ${vscode.l10n.t('EXPIRED')}` : notYet ? ` — ${vscode.l10n.t('NOT YET VALID')}` : ''),
    vscode.l10n.t('Issued for: {0}', c.subjectAltNames || '?'),
    vscode.l10n.t('SHA-256 fingerprint: {0}', c.fingerprint256),
    vscode.l10n.t('Problem: {0} ({1})', tlsWhy(refusal.reason), refusal.reason),
  ];
  if (refusal.pinned) lines.push(vscode.l10n.t('Trusted until now: {0}', refusal.pinned));
  lines.push(
    '',
    vscode.l10n.t('Trust it only if this fingerprint is the one your gateway administrator gives you. It will be accepted for {0} only, and any other certificate will still be refused. There is no way to switch verification off.', origin),
  );
  return lines.join('\n');
}

export function registerCertificateCommands(root: CommandContext): vscode.Disposable[] {
  return [
    /**
     * Reviews the certificate the gateway presented and, once a person confirms it in the
     * modal, pins it for that origin. A script's `{ fingerprint256 }` only narrows what may be
     * pinned (a different one is refused at once); it never stands in for the click, or any
     * extension could pin an interceptor's certificate.
     */
    vscode.commands.registerCommand('ccGateway.trustCertificate', async (arg?: unknown): Promise<boolean> => {
      const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Trust Gateway Certificate'));
      if (!ctx) return false;
      arg = withoutGateway(arg);
      const pending = ctx.monitor.core.refusedCertificate;
      const origin = ctx.monitor.settings.origin;
      if (!pending || !origin) {
        const pinned = origin ? ctx.trusted.get(origin) : undefined;
        void vscode.window.showInformationMessage(
          pinned
            ? vscode.l10n.t('The certificate of {0} is accepted (trusted on {1}, SHA-256 {2}): nothing to review.', origin!, day(pinned.trustedAt), pinned.fingerprint256)
            : vscode.l10n.t('No gateway certificate has been refused in this window: there is nothing to trust.'),
        );
        return false;
      }
      const { certificate } = pending.refusal;
      const given = arg && typeof arg === 'object' ? (arg as { fingerprint256?: unknown }).fingerprint256 : undefined;
      if (given !== undefined && (typeof given !== 'string' || normalizeFingerprint(given) !== certificate.fingerprint256)) {
        void vscode.window.showErrorMessage(vscode.l10n.t('That fingerprint is not the one of the certificate {0} presented ({1}); nothing was trusted.', origin, certificate.fingerprint256));
        return false;
      }
      const trust = vscode.l10n.t('Trust This Certificate');
      const title = pending.refusal.pinned
        ? vscode.l10n.t('{0} now presents a different certificate from the one you trusted. Trust the new one?', origin)
        : vscode.l10n.t('The certificate of {0} could not be verified. Trust it for this gateway?', origin);
      const choice = await vscode.window.showWarningMessage(title, { modal: true, detail: certificateDetail(origin, pending.refusal, Date.now()) }, trust);
      if (choice !== trust) return false;
      await ctx.trusted.trust(origin, certificate);
      ctx.log.info(`Trusted the certificate SHA-256 ${certificate.fingerprint256} (${certificate.subject}) for ${origin}.`);
      return true;
    }),
    /**
     * Argument: an origin (scripted); otherwise a pick of the trusted ones. A script's origin is
     * confirmed in a modal, so no other extension can silently turn a pin off. Resolves to how
     * many were forgotten.
     */
    vscode.commands.registerCommand('ccGateway.forgetTrustedCertificates', async (arg?: unknown): Promise<number> => {
      let origins: string[];
      if (typeof arg === 'string') {
        const pinned = root.trusted.get(arg);
        // Nothing pinned: nothing changes, so nobody needs to be asked.
        if (!pinned) return 0;
        const forget = vscode.l10n.t('Forget');
        const choice = await vscode.window.showWarningMessage(
          vscode.l10n.t('Forget the certificate you trusted for {0}?', arg),
          { modal: true, detail: vscode.l10n.t('SHA-256 {0} · trusted on {1}', pinned.fingerprint256, day(pinned.trustedAt)) + '\n\n' + vscode.l10n.t('The gateway is then verified normally again: if its certificate is not signed by a CA you trust, it is refused until you review it again.') },
          forget,
        );
        if (choice !== forget) return 0;
        origins = [arg];
      } else {
        const items = root.trusted.origins().map((o) => {
          const t = root.trusted.get(o)!;
          return { label: o, description: t.subject, detail: vscode.l10n.t('SHA-256 {0} · trusted on {1}', t.fingerprint256, day(t.trustedAt)), origin: o };
        });
        if (items.length === 0) {
          void vscode.window.showInformationMessage(vscode.l10n.t('No gateway certificates are trusted.'));
          return 0;
        }
        // Picking in this list is the person's confirmation.
        const picked = await vscode.window.showQuickPick(items, {
          title: vscode.l10n.t('CC-Gateway: Forget Trusted Certificates'),
          placeHolder: vscode.l10n.t('Gateways whose certificate should be verified normally again'),
          canPickMany: true,
        });
        if (!picked) return 0;
        origins = picked.map((p) => p.origin);
      }
      let n = 0;
      for (const o of origins) if (await root.trusted.forget(o)) n++;
      if (n > 0) root.log.info(`Forgot the trusted certificate of ${origins.join(', ')}.`);
      return n;
    }),
  ];
}
