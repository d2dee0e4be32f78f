// Where in its interval a read of one agent is placed: with the team there, the same moment on
// every desk (reads meet at one claim); with the team offline, each desk reads alone, and the
// desks of the team's last list take turns so that one agent never gets more than 5 reads in 2 s.

/** With the team there, reads are placed in the first part of their interval, so a result has the rest of it to spread. */
const PHASE_SHARE = 0.5;
/** Desks alone reading one agent at one moment: the vendor's 5 requests per agent in 2 s. */
const DESKS_PER_MOMENT = 5;
/** Moments of desks alone are this far apart (the vendor's 2 s, and room for a request's way). */
const MOMENT_GAP_MS = 2_100;

/** A stable share in [0, 1) per subject (FNV-1a): the same on every desk. */
export function phaseOf(what: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < what.length; i++) h = Math.imul(h ^ what.charCodeAt(i), 0x01000193) >>> 0;
  return h / 2 ** 32;
}

/** A read's place: `phase` ms into the interval, in the intervals whose number modulo `every` is `round`. */
export interface ReadTurn {
  readonly phase: number;
  readonly every: number;
  readonly round: number;
}

/** With the team there: the same moment on every desk. */
export function sharedTurn(what: string, intervalMs: number): ReadTurn {
  return { phase: phaseOf(what) * intervalMs * PHASE_SHARE, every: 1, round: 0 };
}

/**
 * A desk reading alone. With the team's desks known (`desks`, sorted keys last seen through its
 * Redis), 5 desks share a moment of the interval, the moments at least 2.1 s apart, and when there
 * are more groups than moments the groups take turns, one interval each. Otherwise (it never saw
 * the list) a moment of its own at random.
 */
export function aloneTurn(desks: readonly string[] | undefined, desk: string, what: string, intervalMs: number): ReadTurn {
  const rank = desks?.indexOf(desk) ?? -1;
  if (!desks || rank < 0) return { phase: phaseOf(`${desk}|${what}`) * intervalMs, every: 1, round: 0 };
  const moments = momentsIn(intervalMs);
  const width = intervalMs / moments;
  const group = Math.floor(rank / DESKS_PER_MOMENT);
  const every = aloneEvery(desks, desk, intervalMs);
  return { phase: (group % moments) * width + phaseOf(what) * Math.max(0, width - MOMENT_GAP_MS), every, round: Math.floor(group / moments) % every };
}

/** How many intervals apart a desk alone reads each agent: more than 1 only in a team larger than 5 desks per moment of the interval. */
export function aloneEvery(desks: readonly string[] | undefined, desk: string, intervalMs: number): number {
  if (!desks?.includes(desk)) return 1;
  return Math.max(1, Math.ceil(Math.ceil(desks.length / DESKS_PER_MOMENT) / momentsIn(intervalMs)));
}

function momentsIn(intervalMs: number): number {
  return Math.max(1, Math.floor(intervalMs / MOMENT_GAP_MS));
}
