import * as os from 'node:os';
import * as vscode from 'vscode';
import { exportCsv, exportJson, formatForPath, type ExportFormat } from '../../../core/format/export';
import { gatewayContext, withoutGateway, type CommandContext } from './commandContext';

/** Scripted use: a path or Uri, or { path | uri, format }. */
type ExportTarget = string | vscode.Uri | { path?: string; uri?: vscode.Uri; format?: ExportFormat };

function targetFromArgument(arg: unknown): { uri: vscode.Uri; format?: ExportFormat } | undefined {
  if (typeof arg === 'string' && arg.trim() !== '') return { uri: vscode.Uri.file(arg) };
  if (arg instanceof vscode.Uri) return { uri: arg };
  if (arg && typeof arg === 'object') {
    const t = arg as { path?: unknown; uri?: unknown; format?: unknown };
    const format = t.format === 'csv' || t.format === 'json' ? t.format : undefined;
    if (t.uri instanceof vscode.Uri) return { uri: t.uri, format };
    if (typeof t.path === 'string' && t.path.trim() !== '') return { uri: vscode.Uri.file(t.path), format };
  }
  return undefined;
}

function defaultUri(): vscode.Uri {
  const d = new Date();
  const stamp = `${d.getFullYear()}${String(d.getMonth() + 1).padStart(2, '0')}${String(d.getDate()).padStart(2, '0')}-${String(d.getHours()).padStart(2, '0')}${String(d.getMinutes()).padStart(2, '0')}`;
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(os.homedir());
  return vscode.Uri.joinPath(folder, `ccgateway-stats-${stamp}.csv`);
}

export function registerExportStatistics(root: CommandContext): vscode.Disposable {
  return vscode.commands.registerCommand('ccGateway.exportStatistics', async (arg?: ExportTarget): Promise<vscode.Uri | undefined> => {
    const ctx = await gatewayContext(root, arg, vscode.l10n.t('CC-Gateway: Export Statistics'));
    if (!ctx) return undefined;
    arg = withoutGateway(arg) as ExportTarget | undefined;
    const entries = ctx.monitor.core.store.all();
    if (entries.length === 0) {
      void vscode.window.showInformationMessage(vscode.l10n.t('No agents are watched, so there is nothing to export. Add an agent first.'));
      return undefined;
    }
    const scripted = targetFromArgument(arg);
    let target = scripted;
    if (!target) {
      const uri = await vscode.window.showSaveDialog({
        title: vscode.l10n.t('Export CC-Gateway statistics'),
        defaultUri: defaultUri(),
        filters: { CSV: ['csv'], JSON: ['json'] },
        saveLabel: vscode.l10n.t('Export'),
      });
      if (!uri) return undefined;
      target = { uri };
    }
    const format = target.format ?? formatForPath(target.uri.path);
    const text = format === 'json' ? exportJson(entries, { gateway: ctx.monitor.settings.origin ?? '', exportedAt: Date.now() }) : exportCsv(entries);
    try {
      await vscode.workspace.fs.writeFile(target.uri, new TextEncoder().encode(text));
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      void vscode.window.showErrorMessage(vscode.l10n.t('Could not write {0}: {1}. Choose another folder.', target.uri.fsPath, reason));
      return undefined;
    }
    ctx.log.info(`Exported ${entries.length} agent(s) as ${format.toUpperCase()} to ${target.uri.fsPath}`);
    if (!scripted) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Exported {0} agent(s) to {1}.', entries.length, target.uri.fsPath), vscode.l10n.t('Open')).then((c) => (c ? vscode.window.showTextDocument(target.uri) : undefined));
    }
    return target.uri;
  });
}
