import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { containsStatus, parseStatusRanges } from '../../../../src/http/middlewares/errors/status-ranges.js';

describe('parseStatusRanges', () => {
  const valid: Array<{ entry: string; ranges: Array<[number, number]> }> = [
    { entry: '500', ranges: [[500, 500]] },
    { entry: '500-599', ranges: [[500, 599]] },
    { entry: '404,418', ranges: [[404, 404], [418, 418]] },
    { entry: '404, 500-599', ranges: [[404, 404], [500, 599]] },
    { entry: '599-500', ranges: [[599, 500]] },
  ];
  for (const test of valid) {
    it(`reads "${test.entry}" as ${JSON.stringify(test.ranges)}`, () => {
      assert.deepEqual(parseStatusRanges(test.entry), test.ranges);
    });
  }

  for (const entry of ['', 'abc', '5xx', '500-', '-500', '500-502-504', '500,', '+500']) {
    it(`refuses "${entry}" with the accepted forms`, () => {
      assert.equal(parseStatusRanges(entry), `invalid status ${JSON.stringify(entry)}; expected a code (500), a range (500-599) or a comma-separated list of them`);
    });
  }
});

describe('containsStatus', () => {
  const ranges = parseStatusRanges('500-501,503-599') as Array<[number, number]>;

  it('includes both bounds of a range', () => {
    assert.equal(containsStatus(ranges, 500), true);
    assert.equal(containsStatus(ranges, 501), true);
    assert.equal(containsStatus(ranges, 599), true);
  });

  it('excludes a status between ranges and outside them', () => {
    assert.equal(containsStatus(ranges, 502), false);
    assert.equal(containsStatus(ranges, 499), false);
    assert.equal(containsStatus(ranges, 600), false);
  });

  it('matches nothing with an inverted range, as Traefik', () => {
    assert.equal(containsStatus([[599, 500]], 550), false);
  });
});
