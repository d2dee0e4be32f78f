import * as crypto from 'node:crypto';
import { readFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalTransport } from '../../core/sharing/localTransport';
import { MemoryHub } from '../../core/sharing/memoryHub';
import { ReadCoordinator } from '../../core/sharing/readCoordinator';
import { RedisTransport } from '../../core/sharing/redisTransport';
import { TeamTransport } from '../../core/sharing/teamTransport';
import { parseTeamUrl } from '../../core/sharing/teamUrl';
import { readSystemCertificates, trustedCas } from '../../core/wire/systemCertificates';
import { loadCreateRedis } from './redisLoader';

/** The SecretStorage key of the team's Redis password (never a setting, never logged). */
export const TEAM_PASSWORD_KEY = 'ccGateway.team.redisPassword';
export const TEAM_URL_SETTING = 'ccGateway.team.redisUrl';
export const TEAM_CA_SETTING = 'ccGateway.team.caFile';

/**
 * The window's read coordinator (src/core/sharing): its windows share reads over the sessions
 * folder's local channel; with ccGateway.team.redisUrl set, the team's desks share them through
 * Redis (README, "A team on one gateway"). Where the global storage is not on this machine's
 * disk, the window coordinates with itself only.
 */
export class SharedReadsService implements vscode.Disposable {
  readonly coordinator: ReadCoordinator;
  private readonly transport: TeamTransport;
  private readonly desk: string;
  private readonly subs: vscode.Disposable[] = [];
  private applied = '';
  private generation = 0;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    const local = context.globalStorageUri.scheme === 'file' ? new LocalTransport(path.join(context.globalStorageUri.fsPath, 'sessions'), { log }) : new MemoryHub(Date).participant('alone');
    this.transport = new TeamTransport(local);
    // This machine as one desk of the team (a hash that names no one): where it reads while the team is offline.
    this.desk = crypto.createHash('sha256').update(`${os.hostname()}|${context.globalStorageUri.toString()}`).digest('hex').slice(0, 16);
    this.coordinator = new ReadCoordinator(this.transport, undefined, this.desk);
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => (e.affectsConfiguration(TEAM_URL_SETTING) || e.affectsConfiguration(TEAM_CA_SETTING)) && void this.applyTeam()),
      context.secrets.onDidChange((e) => e.key === TEAM_PASSWORD_KEY && void this.applyTeam(true)),
    );
    void this.applyTeam();
  }

  /** Joins (again) the team the settings name, or leaves it. */
  async applyTeam(force = false): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    const text = (config.get<string>(TEAM_URL_SETTING) ?? '').trim();
    const caFile = (config.get<string>(TEAM_CA_SETTING) ?? '').trim();
    const wanted = `${text}\n${caFile}`;
    if (wanted === this.applied && !force) return;
    this.applied = wanted;
    const generation = ++this.generation;
    if (!text) {
      this.transport.setTeam(undefined);
      return;
    }
    const parsed = parseTeamUrl(text);
    if (!parsed.ok) {
      this.transport.setTeam(undefined);
      this.log.warn(`${TEAM_URL_SETTING}: ${parsed.message}`);
      return;
    }
    try {
      const password = await this.context.secrets.get(TEAM_PASSWORD_KEY);
      // rediss://: the OS store plus the CA file, like the gateway; the check is never turned off.
      const ca = parsed.tls ? trustedCas((await readSystemCertificates()).certificates, caFile ? await readFile(caFile, 'utf8') : undefined) : undefined;
      if (generation !== this.generation) return;
      this.transport.setTeam(new RedisTransport(loadCreateRedis(), { url: parsed.url, ...(password ? { password } : {}), ...(ca ? { ca } : {}), log: this.log, desk: this.desk }));
    } catch (e) {
      this.transport.setTeam(undefined);
      this.log.warn(`Team: could not join (${(e as NodeJS.ErrnoException).code ?? String(e)}); this desk reads alone.`);
    }
  }

  dispose(): void {
    for (const d of this.subs.splice(0)) d.dispose();
    this.coordinator.dispose();
    this.transport.dispose();
  }
}
