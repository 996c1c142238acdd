/**
 * Content-Type sniffing as Go's `http.DetectContentType` does it: the WHATWG MIME sniffing signatures
 * (https://mimesniff.spec.whatwg.org/) in Go's order, on at most the first 512 bytes.
 */

/** Go considers at most this many bytes. */
export const sniffLength = 512;

type Signature = (data: Uint8Array, firstNonWhitespace: number) => string | undefined;

function bytes(text: string): Uint8Array {
  return Uint8Array.from(text, (character) => character.charCodeAt(0));
}

/** MIME sniffing whitespace: tab, line feed, form feed, carriage return, space. */
function isWhitespace(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20;
}

/** An HTML tag: matched case-insensitively after leading whitespace, then a space or `>`. */
function html(tag: string): Signature {
  const pattern = bytes(tag);
  return (data, start) => {
    if (data.length - start < pattern.length + 1) return undefined;
    for (let i = 0; i < pattern.length; i++) {
      const expected = pattern[i]!;
      let actual = data[start + i]!;
      if (expected >= 0x41 && expected <= 0x5a) actual &= 0xdf;
      if (actual !== expected) return undefined;
    }
    const next = data[start + pattern.length];
    return next === 0x20 || next === 0x3e ? 'text/html; charset=utf-8' : undefined;
  };
}

/** A byte pattern under a mask, optionally after leading whitespace. */
function masked(mask: string, pattern: string, contentType: string, skipWhitespace = false): Signature {
  const maskBytes = bytes(mask);
  const patternBytes = bytes(pattern);
  return (data, firstNonWhitespace) => {
    const start = skipWhitespace ? firstNonWhitespace : 0;
    if (data.length - start < maskBytes.length) return undefined;
    for (let i = 0; i < maskBytes.length; i++) {
      if ((data[start + i]! & maskBytes[i]!) !== patternBytes[i]) return undefined;
    }
    return contentType;
  };
}

/** A prefix of the data, byte for byte. */
function exact(prefix: string, contentType: string): Signature {
  const prefixBytes = bytes(prefix);
  return (data) => {
    if (data.length < prefixBytes.length) return undefined;
    for (let i = 0; i < prefixBytes.length; i++) {
      if (data[i] !== prefixBytes[i]) return undefined;
    }
    return contentType;
  };
}

/** https://mimesniff.spec.whatwg.org/#signature-for-mp4: an `ftyp` box naming an `mp4` brand. */
const mp4: Signature = (data) => {
  if (data.length < 12) return undefined;
  const boxSize = ((data[0]! << 24) | (data[1]! << 16) | (data[2]! << 8) | data[3]!) >>> 0;
  if (data.length < boxSize || boxSize % 4 !== 0) return undefined;
  if (data[4] !== 0x66 || data[5] !== 0x74 || data[6] !== 0x79 || data[7] !== 0x70) return undefined;
  for (let offset = 8; offset < boxSize; offset += 4) {
    // Bytes 12 to 15 are the minor version, not a brand.
    if (offset === 12) continue;
    if (data[offset] === 0x6d && data[offset + 1] === 0x70 && data[offset + 2] === 0x34) return 'video/mp4';
  }
  return undefined;
};

/** Text unless a binary control byte appears after the leading whitespace (WHATWG §7.1 step 4). */
const text: Signature = (data, start) => {
  for (let i = start; i < data.length; i++) {
    const byte = data[i]!;
    if (byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f)) return undefined;
  }
  return 'text/plain; charset=utf-8';
};

const ff4 = '\xFF\xFF\xFF\xFF';
const riffMask = `${ff4}\x00\x00\x00\x00${ff4}`;

/** Go's table, in Go's order: the first match wins. */
const signatures: readonly Signature[] = [
  html('<!DOCTYPE HTML'),
  html('<HTML'),
  html('<HEAD'),
  html('<SCRIPT'),
  html('<IFRAME'),
  html('<H1'),
  html('<DIV'),
  html('<FONT'),
  html('<TABLE'),
  html('<A'),
  html('<STYLE'),
  html('<TITLE'),
  html('<B'),
  html('<BODY'),
  html('<BR'),
  html('<P'),
  html('<!--'),
  masked('\xFF\xFF\xFF\xFF\xFF', '<?xml', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),
  // Byte order marks.
  masked('\xFF\xFF\x00\x00', '\xFE\xFF\x00\x00', 'text/plain; charset=utf-16be'),
  masked('\xFF\xFF\x00\x00', '\xFF\xFE\x00\x00', 'text/plain; charset=utf-16le'),
  masked('\xFF\xFF\xFF\x00', '\xEF\xBB\xBF\x00', 'text/plain; charset=utf-8'),
  // Images.
  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked(`${riffMask}\xFF\xFF`, 'RIFF\x00\x00\x00\x00WEBPVP', 'image/webp'),
  exact('\x89PNG\x0D\x0A\x1A\x0A', 'image/png'),
  exact('\xFF\xD8\xFF', 'image/jpeg'),
  // Audio and video.
  masked(riffMask, 'FORM\x00\x00\x00\x00AIFF', 'audio/aiff'),
  masked('\xFF\xFF\xFF', 'ID3', 'audio/mpeg'),
  masked('\xFF\xFF\xFF\xFF\xFF', 'OggS\x00', 'application/ogg'),
  masked(`${ff4}${ff4}`, 'MThd\x00\x00\x00\x06', 'audio/midi'),
  masked(riffMask, 'RIFF\x00\x00\x00\x00AVI ', 'video/avi'),
  masked(riffMask, 'RIFF\x00\x00\x00\x00WAVE', 'audio/wave'),
  mp4,
  exact('\x1A\x45\xDF\xA3', 'video/webm'),
  // Fonts: an Embedded OpenType font has "LP" at offset 34.
  masked(`${'\x00'.repeat(34)}\xFF\xFF`, `${'\x00'.repeat(34)}LP`, 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),
  // Archives.
  exact('\x1F\x8B\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1A\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1A\x07\x01\x00', 'application/x-rar-compressed'),
  exact('\x00asm', 'application/wasm'),
  text,
];

/** Returns the Content-Type Go's `http.DetectContentType` gives these bytes; `application/octet-stream` when nothing matches. */
export function detectContentType(data: Uint8Array): string {
  const sample = data.length > sniffLength ? data.subarray(0, sniffLength) : data;
  let firstNonWhitespace = 0;
  while (firstNonWhitespace < sample.length && isWhitespace(sample[firstNonWhitespace]!)) firstNonWhitespace++;
  for (const signature of signatures) {
    const contentType = signature(sample, firstNonWhitespace);
    if (contentType !== undefined) return contentType;
  }
  return 'application/octet-stream';
}
