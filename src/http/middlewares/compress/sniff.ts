/**
 * Content-Type sniffing as Go's `http.DetectContentType` (the WHATWG MIME sniffing table): Traefik's gzip
 * compression guesses the type of a response that has none, and sets the Content-Type it guessed.
 */

/** At most this many bytes decide, as in Go. */
const sniffLength = 512;

type Signature = (data: Buffer, firstNonWhitespace: number) => string | undefined;

function isWhitespace(byte: number): boolean {
  return byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || byte === 0x20;
}

function bytes(text: string): Buffer {
  return Buffer.from(text, 'latin1');
}

function exact(prefix: string, contentType: string): Signature {
  const signature = bytes(prefix);
  return (data) => (data.length >= signature.length && data.subarray(0, signature.length).equals(signature) ? contentType : undefined);
}

function masked(mask: string, pattern: string, contentType: string, skipWhitespace = false): Signature {
  const maskBytes = bytes(mask);
  const patternBytes = bytes(pattern);
  return (data, firstNonWhitespace) => {
    const view = skipWhitespace ? data.subarray(firstNonWhitespace) : data;
    if (view.length < patternBytes.length) return undefined;
    for (let i = 0; i < patternBytes.length; i++) {
      if ((view[i]! & maskBytes[i]!) !== patternBytes[i]) return undefined;
    }
    return contentType;
  };
}

/** An HTML tag, case-insensitive, followed by a space or `>`. */
function html(tag: string): Signature {
  const tagBytes = bytes(tag);
  return (data, firstNonWhitespace) => {
    const view = data.subarray(firstNonWhitespace);
    if (view.length < tagBytes.length + 1) return undefined;
    for (let i = 0; i < tagBytes.length; i++) {
      const expected = tagBytes[i]!;
      let actual = view[i]!;
      if (expected >= 0x41 && expected <= 0x5a) actual &= 0xdf;
      if (actual !== expected) return undefined;
    }
    const terminator = view[tagBytes.length];
    return terminator === 0x20 || terminator === 0x3e ? 'text/html; charset=utf-8' : undefined;
  };
}

const ftyp = bytes('ftyp');
const mp4Brand = bytes('mp4');

const mp4: Signature = (data) => {
  if (data.length < 12) return undefined;
  const boxSize = data.readUInt32BE(0);
  if (data.length < boxSize || boxSize % 4 !== 0) return undefined;
  if (!data.subarray(4, 8).equals(ftyp)) return undefined;
  for (let start = 8; start < boxSize; start += 4) {
    // Bytes 12-15 are the major brand's version number.
    if (start === 12) continue;
    if (data.subarray(start, start + 3).equals(mp4Brand)) return 'video/mp4';
  }
  return undefined;
};

const text: Signature = (data, firstNonWhitespace) => {
  for (let i = firstNonWhitespace; i < data.length; i++) {
    const byte = data[i]!;
    if (byte <= 0x08 || byte === 0x0b || (byte >= 0x0e && byte <= 0x1a) || (byte >= 0x1c && byte <= 0x1f)) return undefined;
  }
  return 'text/plain; charset=utf-8';
};

const ff = (count: number): string => '\xff'.repeat(count);
const nul = (count: number): string => '\x00'.repeat(count);

/** Go's table, in Go's order. */
const signatures: readonly Signature[] = [
  ...['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'].map(html),
  masked(ff(5), '<?xml', 'text/xml; charset=utf-8', true),
  exact('%PDF-', 'application/pdf'),
  exact('%!PS-Adobe-', 'application/postscript'),

  // Byte order marks.
  masked('\xff\xff\x00\x00', '\xfe\xff\x00\x00', 'text/plain; charset=utf-16be'),
  masked('\xff\xff\x00\x00', '\xff\xfe\x00\x00', 'text/plain; charset=utf-16le'),
  masked('\xff\xff\xff\x00', '\xef\xbb\xbf\x00', 'text/plain; charset=utf-8'),

  exact('\x00\x00\x01\x00', 'image/x-icon'),
  exact('\x00\x00\x02\x00', 'image/x-icon'),
  exact('BM', 'image/bmp'),
  exact('GIF87a', 'image/gif'),
  exact('GIF89a', 'image/gif'),
  masked(`${ff(4)}${nul(4)}${ff(6)}`, 'RIFF\x00\x00\x00\x00WEBPVP', 'image/webp'),
  exact('\x89PNG\x0d\x0a\x1a\x0a', 'image/png'),
  exact('\xff\xd8\xff', 'image/jpeg'),

  masked(`${ff(4)}${nul(4)}${ff(4)}`, 'FORM\x00\x00\x00\x00AIFF', 'audio/aiff'),
  masked(ff(3), 'ID3', 'audio/mpeg'),
  masked(ff(5), 'OggS\x00', 'application/ogg'),
  masked(ff(8), 'MThd\x00\x00\x00\x06', 'audio/midi'),
  masked(`${ff(4)}${nul(4)}${ff(4)}`, 'RIFF\x00\x00\x00\x00AVI ', 'video/avi'),
  masked(`${ff(4)}${nul(4)}${ff(4)}`, 'RIFF\x00\x00\x00\x00WAVE', 'audio/wave'),
  mp4,
  exact('\x1a\x45\xdf\xa3', 'video/webm'),

  masked(`${nul(34)}${ff(2)}`, `${nul(34)}LP`, 'application/vnd.ms-fontobject'),
  exact('\x00\x01\x00\x00', 'font/ttf'),
  exact('OTTO', 'font/otf'),
  exact('ttcf', 'font/collection'),
  exact('wOFF', 'font/woff'),
  exact('wOF2', 'font/woff2'),

  exact('\x1f\x8b\x08', 'application/x-gzip'),
  exact('PK\x03\x04', 'application/zip'),
  exact('Rar!\x1a\x07\x00', 'application/x-rar-compressed'),
  exact('Rar!\x1a\x07\x01\x00', 'application/x-rar-compressed'),
  exact('\x00\x61\x73\x6d', 'application/wasm'),

  text,
];

/** Returns the media type Go's `http.DetectContentType` finds in the first 512 bytes, `application/octet-stream` at worst. */
export function detectContentType(data: Buffer): string {
  const view = data.length > sniffLength ? data.subarray(0, sniffLength) : data;
  let firstNonWhitespace = 0;
  while (firstNonWhitespace < view.length && isWhitespace(view[firstNonWhitespace]!)) firstNonWhitespace += 1;
  for (const signature of signatures) {
    const contentType = signature(view, firstNonWhitespace);
    if (contentType !== undefined) return contentType;
  }
  return 'application/octet-stream';
}
