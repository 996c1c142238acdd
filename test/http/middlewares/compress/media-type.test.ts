import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseMediaType } from '../../../../src/http/middlewares/compress/media-type.js';

describe('parseMediaType', () => {
  // From Go's mime tests: the media type, lowercased and trimmed, of valid values.
  const valid: ReadonlyArray<[string, string]> = [
    ['form-data; name="foo"', 'form-data'],
    [' form-data ; name=foo', 'form-data'],
    ['FORM-DATA;name="foo"', 'form-data'],
    ['form-data; key=value;  blah="value";name="foo" ', 'form-data'],
    ["application/x-stuff; title*=us-ascii'en-us'This%20is%20%2A%2A%2Afun%2A%2A%2A", 'application/x-stuff'],
    ['message/external-body; access-type=URL; URL*0="ftp://";URL*1="cs.utk.edu/pub/moore/bulk-mailer/bulk-mailer.tar"', 'message/external-body'],
    ['attachment', 'attachment'],
    ['ATTACHMENT', 'attachment'],
    ['attachment; filename="f\\oo.html"', 'attachment'],
    ['attachment; filename="\\"quoting\\" tested.html"', 'attachment'],
    ['attachment; filename="Here\'s a semicolon;.html"', 'attachment'],
    ['attachment; filename=foo.html ;', 'attachment'],
    ['text/html; charset=utf-8', 'text/html'],
    ['Text/HTML;Charset="utf-8"', 'text/html'],
    ['text/html; a=1; a=1', 'text/html'],
  ];
  for (const [value, mediaType] of valid) {
    it(`reads ${JSON.stringify(value)} as ${mediaType}`, () => {
      assert.deepEqual(parseMediaType(value), { mediaType, error: undefined });
    });
  }

  // Go's badMediaTypeTests: a bad parameter still gives the media type, other faults give none.
  const invalid: ReadonlyArray<[string, string, string]> = [
    ['bogus ;=========', 'bogus', 'invalid media parameter'],
    ['application/pdf; x-mac-type="3F3F3F3F"; x-mac-creator="3F3F3F3F" name="a.pdf";', 'application/pdf', 'invalid media parameter'],
    ['bogus/<script>alert</script>', '', 'expected token after slash'],
    ['bogus/bogus<script>alert</script>', '', 'unexpected content after media subtype'],
    ['"attachment"', '', 'no media type'],
    ['attachment; filename=foo,bar.html', 'attachment', 'invalid media parameter'],
    ['attachment; ;filename=foo', 'attachment', 'invalid media parameter'],
    ['attachment; filename=foo bar.html', 'attachment', 'invalid media parameter'],
    ['attachment; filename="foo.html"; filename="bar.html"', '', 'duplicate parameter name'],
    ['attachment; filename=foo[1](2).html', 'attachment', 'invalid media parameter'],
    ["attachment; filename *=UTF-8''foo-%c3%a4.html", 'attachment', 'invalid media parameter'],
    ['', '', 'no media type'],
    ['text/', '', 'expected token after slash'],
    ['text html', '', 'expected slash after first token'],
  ];
  for (const [value, mediaType, error] of invalid) {
    it(`refuses ${JSON.stringify(value)}: ${error}`, () => {
      assert.deepEqual(parseMediaType(value), { mediaType, error });
    });
  }
});
