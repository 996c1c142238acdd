import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectContentType } from '../../../../src/http/middlewares/content-type/detect-content-type.js';

/** Bytes as a Go string literal holds them: `\xNN` escapes are bytes. */
function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

describe('detectContentType', () => {
  // Go's sniffTests.
  const cases: ReadonlyArray<[string, Buffer, string]> = [
    ['empty', Buffer.alloc(0), 'text/plain; charset=utf-8'],
    ['binary', Buffer.from([1, 2, 3]), 'application/octet-stream'],
    ['HTML document #1', bytes('<HtMl><bOdY>blah blah blah</body></html>'), 'text/html; charset=utf-8'],
    ['HTML document #2', bytes('<HTML></HTML>'), 'text/html; charset=utf-8'],
    ['HTML document #3 (leading whitespace)', bytes('   <!DOCTYPE HTML>...'), 'text/html; charset=utf-8'],
    ['HTML document #4 (leading CRLF)', bytes('\r\n<html>...'), 'text/html; charset=utf-8'],
    ['plain text', Buffer.from('This is not HTML. It has ☃ though.'), 'text/plain; charset=utf-8'],
    ['XML', bytes('\n<?xml!'), 'text/xml; charset=utf-8'],
    ['Windows icon', bytes('\x00\x00\x01\x00'), 'image/x-icon'],
    ['Windows cursor', bytes('\x00\x00\x02\x00'), 'image/x-icon'],
    ['BMP image', bytes('BM...'), 'image/bmp'],
    ['GIF 87a', bytes('GIF87a'), 'image/gif'],
    ['GIF 89a', bytes('GIF89a...'), 'image/gif'],
    ['WEBP image', bytes('RIFF\x00\x00\x00\x00WEBPVP'), 'image/webp'],
    ['PNG image', bytes('\x89PNG\x0D\x0A\x1A\x0A'), 'image/png'],
    ['JPEG image', bytes('\xFF\xD8\xFF'), 'image/jpeg'],
    ['MIDI audio', bytes('MThd\x00\x00\x00\x06\x00\x01'), 'audio/midi'],
    ['MP3 audio', bytes('ID3\x03\x00\x00\x00\x00\x0f'), 'audio/mpeg'],
    ['WAV audio #1', bytes('RIFFb\xb8\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), 'audio/wave'],
    ['WAV audio #2', bytes('RIFF,\x00\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), 'audio/wave'],
    ['AIFF audio', bytes('FORM\x00\x00\x00\x00AIFFCOMM\x00\x00\x00\x12\x00\x01\x00\x00\x57\x55\x00\x10\x40\x0d\xf3\x34'), 'audio/aiff'],
    ['OGG audio', bytes('OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x7e\x46\x00\x00\x00\x00\x00\x00\x1f\xf6\xb4\xfc\x01\x1e\x01\x76\x6f\x72'), 'application/ogg'],
    ['not OGG (owow)', bytes('owow\x00'), 'application/octet-stream'],
    ['not OGG (oooS)', bytes('oooS\x00'), 'application/octet-stream'],
    ['not OGG (oggS)', bytes('oggS\x00'), 'application/octet-stream'],
    ['MP4 video', bytes('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<\x06t\xbfmdat'), 'video/mp4'],
    ['AVI video #1', Buffer.from('RIFF,O\n\x00AVI LISTÀ'), 'video/avi'],
    ['AVI video #2', Buffer.from('RIFF,\n\x00\x00AVI LISTÀ'), 'video/avi'],
    ['TTF sample I', bytes('\x00\x01\x00\x00\x00\x17\x01\x00\x00\x04\x01\x60\x4f'), 'font/ttf'],
    ['TTF sample II', bytes('\x00\x01\x00\x00\x00\x0e\x00\x80\x00\x03\x00\x60\x46'), 'font/ttf'],
    ['OTTO sample', bytes('\x4f\x54\x54\x4f\x00\x0e\x00\x80\x00\x03\x00\x60\x42\x41\x53\x45'), 'font/otf'],
    ['woff sample', bytes('\x77\x4f\x46\x46\x00\x01\x00\x00\x00\x00\x30\x54\x00\x0d\x00\x00'), 'font/woff'],
    ['woff2 sample', bytes('\x77\x4f\x46\x32\x00\x01\x00\x00\x00'), 'font/woff2'],
    ['wasm sample', bytes('\x00\x61\x73\x6d\x01\x00'), 'application/wasm'],
    ['RAR v1.5-v4.0', bytes('Rar!\x1A\x07\x00'), 'application/x-rar-compressed'],
    ['RAR v5+', bytes('Rar!\x1A\x07\x01\x00'), 'application/x-rar-compressed'],
    ['incorrect RAR v1.5-v4.0', bytes('Rar \x1A\x07\x00'), 'application/octet-stream'],
    ['incorrect RAR v5+', bytes('Rar \x1A\x07\x01\x00'), 'application/octet-stream'],
    ['gzip data', bytes('\x1f\x8b\x08\x00'), 'application/x-gzip'],
    ['an HTML tag without a terminator', bytes('<p'), 'text/plain; charset=utf-8'],
  ];
  for (const [description, data, expected] of cases) {
    it(`finds ${expected} in ${description}`, () => {
      assert.equal(detectContentType(data), expected);
    });
  }

  it('looks at the first 512 bytes only', () => {
    const data = Buffer.concat([Buffer.alloc(512, 0x61), Buffer.from([0x01])]);

    assert.equal(detectContentType(data), 'text/plain; charset=utf-8');
  });
});
