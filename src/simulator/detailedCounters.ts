// The heavy `statistics` route's answer with every counter the vendor documents
// (docs/cc-gateway-api.md, 18 fields) plus two the docs do not name (waittime,
// holdtime), which a client must show by name as they come.

export interface DetailedExtras {
  interhelpnums: number;
  transfernums: number;
  transferoutnums: number;
  transferivrnums: number;
  redirectnums: number;
  keepnums: number;
  busynums: number;
  restnums: number;
  restoutnums: number;
  resttime: number;
  restouttime: number;
  agentrelease: number;
  busytime: number;
}

export const ZERO_EXTRAS: Readonly<DetailedExtras> = Object.freeze({
  interhelpnums: 0, transfernums: 0, transferoutnums: 0, transferivrnums: 0, redirectnums: 0, keepnums: 0,
  busynums: 0, restnums: 0, restoutnums: 0, resttime: 0, restouttime: 0, agentrelease: 0, busytime: 0,
});

interface Base {
  talktime: number;
  answernums: number;
  noanswernums: number;
  calloutnums: number;
  intercallnums: number;
  waittime: number;
  holdtime: number;
}

export function detailedBody(c: Readonly<Base>, x: Readonly<DetailedExtras> = ZERO_EXTRAS): string {
  const result = {
    talktime: c.talktime, answernums: c.answernums, noanswernums: c.noanswernums, calloutnums: c.calloutnums,
    intercallnums: c.intercallnums, interhelpnums: x.interhelpnums, transfernums: x.transfernums,
    transferoutnums: x.transferoutnums, transferivrnums: x.transferivrnums, redirectnums: x.redirectnums,
    keepnums: x.keepnums, busynums: x.busynums, restnums: x.restnums, restoutnums: x.restoutnums,
    resttime: x.resttime, restouttime: x.restouttime, agentrelease: x.agentrelease, busytime: x.busytime,
    waittime: c.waittime, holdtime: c.holdtime,
  };
  return JSON.stringify({ message: '', retcode: '0', result });
}
