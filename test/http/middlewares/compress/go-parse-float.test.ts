import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goParseFloat } from '../../../../src/http/middlewares/compress/go-parse-float.js';

describe('goParseFloat', () => {
  // Answers of Go's strconv.ParseFloat(s, 64); undefined where Go reports a syntax error.
  const cases: ReadonlyArray<[string, number | undefined]> = [
    ['1', 1],
    ['0.5', 0.5],
    ['.5', 0.5],
    ['5.', 5],
    ['+.5', 0.5],
    ['1e400', Infinity],
    ['-1e400', -Infinity],
    ['1e-400', 0],
    ['inf', Infinity],
    ['+Inf', Infinity],
    ['-infinity', -Infinity],
    ['iNf', Infinity],
    ['0x1p-2', 0.25],
    ['0x1.8p1', 3],
    ['0x1.p1', 2],
    ['0x_1p0', 1],
    ['1_0', 10],
    ['0x1', undefined],
    ['1e', undefined],
    ['', undefined],
    [' 1', undefined],
    ['1__0', undefined],
    ['0x1__0p0', undefined],
    ['infx', undefined],
    ['+nan', undefined],
  ];
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${String(expected)}`, () => {
      assert.equal(goParseFloat(text), expected);
    });
  }

  it('reads nan in any case as NaN', () => {
    assert.ok(Number.isNaN(goParseFloat('NaN')));
    assert.ok(Number.isNaN(goParseFloat('nan')));
  });
});
