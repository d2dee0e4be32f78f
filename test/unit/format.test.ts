import assert from 'node:assert/strict';
import { averageTalkSeconds, describeStats, escapeMarkdown, formatAge, formatDelta, formatDuration } from '../../src/core/format/format';

describe('format', () => {
  it('formats talk time as h:mm:ss, past 24 h too', () => {
    assert.equal(formatDuration(0), '0:00:00');
    assert.equal(formatDuration(4328), '1:12:08');
    assert.equal(formatDuration(90061), '25:01:01');
  });
  it('describes a row compactly', () => {
    assert.equal(describeStats({ talktime: 4328, answernums: 5, calloutnums: 0 }), '5 answered · 0 out · 1:12:08');
  });
  it('averages per answered call and shows deltas', () => {
    assert.equal(averageTalkSeconds({ talktime: 100, answernums: 3, calloutnums: 0 }), 33);
    assert.equal(averageTalkSeconds({ talktime: 100, answernums: 0, calloutnums: 2 }), undefined);
    assert.equal(formatDelta({ talktime: 130, answernums: 3, calloutnums: 1 }, { talktime: 100, answernums: 2, calloutnums: 1 }), '+1 answered, ±0 out, +0:00:30 talk time');
  });
  it('formats ages and escapes Markdown', () => {
    assert.equal(formatAge(2000), 'just now');
    assert.equal(formatAge(42_000), '42 s ago');
    assert.equal(formatAge(5 * 60_000), '5 min ago');
    assert.equal(escapeMarkdown('[x](command:y)<b>'), '\\[x\\]\\(command:y\\)\\<b\\>');
  });
});
