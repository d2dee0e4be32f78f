// Counters the simulator reports for the UI tests' agents; the expected texts follow from them.
export const COUNTERS = Object.freeze({
  101: Object.freeze({ talktime: 4328, answernums: 5, calloutnums: 0 }), // 1:12:08
  102: Object.freeze({ talktime: 1815, answernums: 3, calloutnums: 2 }), // 0:30:15
});
