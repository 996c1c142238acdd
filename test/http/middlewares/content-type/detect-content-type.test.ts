import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectContentType } from '../../../../src/http/middlewares/content-type/detect-content-type.js';

/** Bytes written as a Go string literal would be: one character per byte. */
function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

describe('detectContentType, as Go\'s TestDetectContentType', () => {
  const cases: Array<{ desc: string; data: Uint8Array; contentType: string }> = [
    { desc: 'empty data', data: bytes(''), contentType: 'text/plain; charset=utf-8' },
    { desc: 'binary nonsense', data: Uint8Array.of(1, 2, 3), contentType: 'application/octet-stream' },
    { desc: 'an HTML document in mixed case', data: bytes('<HtMl><bOdY>blah blah blah</body></html>'), contentType: 'text/html; charset=utf-8' },
    { desc: 'an empty HTML element', data: bytes('<HTML></HTML>'), contentType: 'text/html; charset=utf-8' },
    { desc: 'a doctype after leading spaces', data: bytes('   <!DOCTYPE HTML>...'), contentType: 'text/html; charset=utf-8' },
    { desc: 'HTML after a leading CRLF', data: bytes('\r\n<html>...'), contentType: 'text/html; charset=utf-8' },
    { desc: 'an HTML comment', data: bytes('<!-- x -->'), contentType: 'text/html; charset=utf-8' },
    { desc: 'a tag name not followed by a space or >', data: bytes('<htmlx>'), contentType: 'text/plain; charset=utf-8' },
    { desc: 'plain UTF-8 text', data: new TextEncoder().encode('This is not HTML. It has ☃ though.'), contentType: 'text/plain; charset=utf-8' },
    { desc: 'XML after whitespace', data: bytes('\n<?xml!'), contentType: 'text/xml; charset=utf-8' },
    { desc: 'a PDF', data: bytes('%PDF-1.7'), contentType: 'application/pdf' },
    { desc: 'PostScript', data: bytes('%!PS-Adobe-3.0'), contentType: 'application/postscript' },
    { desc: 'a UTF-16 big-endian byte order mark', data: bytes('\xFE\xFF\x00\x41'), contentType: 'text/plain; charset=utf-16be' },
    { desc: 'a UTF-16 little-endian byte order mark', data: bytes('\xFF\xFE\x41\x00'), contentType: 'text/plain; charset=utf-16le' },
    { desc: 'a UTF-8 byte order mark', data: bytes('\xEF\xBB\xBFhi'), contentType: 'text/plain; charset=utf-8' },
    { desc: 'a Windows icon', data: bytes('\x00\x00\x01\x00'), contentType: 'image/x-icon' },
    { desc: 'a Windows cursor', data: bytes('\x00\x00\x02\x00'), contentType: 'image/x-icon' },
    { desc: 'a BMP image', data: bytes('BM...'), contentType: 'image/bmp' },
    { desc: 'a GIF 87a', data: bytes('GIF87a'), contentType: 'image/gif' },
    { desc: 'a GIF 89a', data: bytes('GIF89a...'), contentType: 'image/gif' },
    { desc: 'a WEBP image', data: bytes('RIFF\x00\x00\x00\x00WEBPVP'), contentType: 'image/webp' },
    { desc: 'a PNG image', data: bytes('\x89PNG\x0D\x0A\x1A\x0A'), contentType: 'image/png' },
    { desc: 'a JPEG image', data: bytes('\xFF\xD8\xFF'), contentType: 'image/jpeg' },
    { desc: 'MIDI audio', data: bytes('MThd\x00\x00\x00\x06\x00\x01'), contentType: 'audio/midi' },
    { desc: 'MP3 audio', data: bytes('ID3\x03\x00\x00\x00\x00\x0f'), contentType: 'audio/mpeg' },
    { desc: 'WAV audio', data: bytes('RIFFb\xb8\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), contentType: 'audio/wave' },
    { desc: 'another WAV audio', data: bytes('RIFF,\x00\x00\x00WAVEfmt \x12\x00\x00\x00\x06'), contentType: 'audio/wave' },
    { desc: 'AIFF audio', data: bytes('FORM\x00\x00\x00\x00AIFFCOMM\x00\x00\x00\x12\x00\x01\x00\x00\x57\x55\x00\x10\x40\x0d\xf3\x34'), contentType: 'audio/aiff' },
    { desc: 'OGG audio', data: bytes('OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x7e\x46\x00\x00\x00\x00\x00\x00\x1f\xf6\xb4\xfc\x01\x1e\x01\x76\x6f\x72'), contentType: 'application/ogg' },
    { desc: 'bytes that must not match OGG (owow)', data: bytes('owow\x00'), contentType: 'application/octet-stream' },
    { desc: 'bytes that must not match OGG (oooS)', data: bytes('oooS\x00'), contentType: 'application/octet-stream' },
    { desc: 'bytes that must not match OGG (oggS)', data: bytes('oggS\x00'), contentType: 'application/octet-stream' },
    { desc: 'MP4 video', data: bytes('\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom<\x06t\xbfmdat'), contentType: 'video/mp4' },
    { desc: 'AVI video', data: bytes('RIFF,O\n\x00AVI LISTÀ'), contentType: 'video/avi' },
    { desc: 'another AVI video', data: bytes('RIFF,\n\x00\x00AVI LISTÀ'), contentType: 'video/avi' },
    { desc: 'WebM video', data: bytes('\x1A\x45\xDF\xA3\x01'), contentType: 'video/webm' },
    { desc: 'an Embedded OpenType font', data: bytes(`${'\x01'.repeat(34)}LP\x00\x00`), contentType: 'application/vnd.ms-fontobject' },
    { desc: 'a TrueType font', data: bytes('\x00\x01\x00\x00\x00\x17\x01\x00\x00\x04\x01\x60\x4f'), contentType: 'font/ttf' },
    { desc: 'another TrueType font', data: bytes('\x00\x01\x00\x00\x00\x0e\x00\x80\x00\x03\x00\x60\x46'), contentType: 'font/ttf' },
    { desc: 'an OpenType font', data: bytes('\x4f\x54\x54\x4f\x00\x0e\x00\x80\x00\x03\x00\x60\x42\x41\x53\x45'), contentType: 'font/otf' },
    { desc: 'a font collection', data: bytes('ttcf\x00\x01'), contentType: 'font/collection' },
    { desc: 'a WOFF font', data: bytes('\x77\x4f\x46\x46\x00\x01\x00\x00\x00\x00\x30\x54\x00\x0d\x00\x00'), contentType: 'font/woff' },
    { desc: 'a WOFF2 font', data: bytes('\x77\x4f\x46\x32\x00\x01\x00\x00\x00'), contentType: 'font/woff2' },
    { desc: 'a WebAssembly module', data: bytes('\x00\x61\x73\x6d\x01\x00'), contentType: 'application/wasm' },
    { desc: 'a gzip stream', data: bytes('\x1F\x8B\x08\x00'), contentType: 'application/x-gzip' },
    { desc: 'a ZIP archive', data: bytes('PK\x03\x04\x14'), contentType: 'application/zip' },
    { desc: 'a RAR 1.5 to 4.0 archive', data: bytes('Rar!\x1A\x07\x00'), contentType: 'application/x-rar-compressed' },
    { desc: 'a RAR 5 archive', data: bytes('Rar!\x1A\x07\x01\x00'), contentType: 'application/x-rar-compressed' },
    { desc: 'a misspelled RAR 1.5 to 4.0 archive', data: bytes('Rar \x1A\x07\x00'), contentType: 'application/octet-stream' },
    { desc: 'a misspelled RAR 5 archive', data: bytes('Rar \x1A\x07\x01\x00'), contentType: 'application/octet-stream' },
    { desc: 'text with a binary byte after 512 bytes', data: bytes(`${'a'.repeat(512)}\x00`), contentType: 'text/plain; charset=utf-8' },
    { desc: 'text with a binary byte within 512 bytes', data: bytes(`${'a'.repeat(511)}\x00`), contentType: 'application/octet-stream' },
    { desc: 'only whitespace', data: bytes(' \t\r\n'), contentType: 'text/plain; charset=utf-8' },
    { desc: 'text with an escape byte and a form feed, which are not binary', data: bytes('a\x1B[1m\x0Cb'), contentType: 'text/plain; charset=utf-8' },
    { desc: 'a file separator byte, which is binary', data: bytes('a\x1Cb'), contentType: 'application/octet-stream' },
  ];

  for (const test of cases) {
    it(`names ${test.desc} ${test.contentType}`, () => {
      assert.equal(detectContentType(test.data), test.contentType);
    });
  }
});
