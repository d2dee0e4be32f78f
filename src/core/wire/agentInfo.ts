import { t } from '../l10n/localize';
import { presenceOf, type Presence } from '../supervisor/agentState';
import { GatewayError } from '../model/errors';
import { parseEnvelope, type RawAnswer } from './parse';
import { printable } from '../ids/agentId';

/**
 * `GET …/agentgroup/{agentid}/agentbyworkno/{workno}` (queryAgentInfoByWorkNo): the
 * details of agent `workno` as seen by the signed-in agent `agentid`. Only the
 * fields the view uses are kept; see docs/agent-state.md.
 */
export interface AgentInfo {
  readonly workno: string;
  readonly presence: Presence;
  readonly status?: number;
  readonly ctiStatus?: number;
  readonly name?: string;
}

export const AGENT_INFO_PATH = '/agentgateway/resource/agentgroup/';

export function agentInfoPath(callerId: string, workno: string): string {
  return `${AGENT_INFO_PATH}${callerId}/agentbyworkno/${workno}`;
}

export function parseAgentInfo(answer: RawAnswer, agentId: string): AgentInfo {
  const result = parseEnvelope(answer, agentId);
  const status = intOrUndefined(result.status);
  const ctiStatus = intOrUndefined(result.ctiStatus);
  if (status === undefined && ctiStatus === undefined) {
    throw new GatewayError('protocol', t('The gateway\'s agent details have neither "status" nor "ctiStatus" (HTTP {0}); the answer was ignored.', answer.status), { httpStatus: answer.status, retcode: '0' });
  }
  const rawName = typeof result.name === 'string' ? printable(result.name.trim(), 64) : '';
  return {
    workno: typeof result.workno === 'string' || typeof result.workno === 'number' ? String(result.workno) : agentId,
    presence: presenceOf(status, ctiStatus),
    ...(status !== undefined ? { status } : {}),
    ...(ctiStatus !== undefined ? { ctiStatus } : {}),
    ...(rawName ? { name: rawName } : {}),
  };
}

function intOrUndefined(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < 1000) return v;
  if (typeof v === 'string' && /^[0-9]{1,3}$/.test(v)) return Number(v);
  return undefined;
}
