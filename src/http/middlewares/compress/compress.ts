import { ConfigError, quote } from '../../../config/errors.js';
import { InternalError } from '../../errors.js';
import type { Exchange } from '../../exchange.js';
import { ResponseWriterWrapper, type ResponseHeaders } from '../../response-writer.js';
import type { MiddlewareFactory } from '../middleware.js';
import { acceptsGzip, encodingPreferences, negotiateEncoding, supportedEncodings, type Encoding } from './accept-encoding.js';
import type { CompressConfig } from './compress-schema.js';
import { CompressionWriter, type CompressionRules } from './compression-writer.js';
import { addVary, codings, type Coding } from './encoding-writer.js';
import { GzipWriter, type GzipRules } from './gzip-writer.js';
import { parseMediaType } from './media-type.js';

/** Traefik's default `minResponseBodyBytes`. */
const defaultMinSize = 1024;

/** gRPC is never compressed, whatever the options say. */
const grpcMediaType = 'application/grpc';

function isEncoding(value: string): value is Encoding {
  return (supportedEncodings as readonly string[]).includes(value);
}

/** Parses a list of media types, keeping only the types (Traefik drops the parameters). */
function mediaTypes(values: readonly string[] | undefined, option: string): string[] {
  return (values ?? []).map((value, index) => {
    const { mediaType, error } = parseMediaType(value);
    if (error !== undefined) throw new ConfigError(`${option}[${index}]`, `invalid media type ${quote(value)}: ${error}`);
    return mediaType;
  });
}

/** Adds `Vary: Accept-Encoding` and drops gzhttp's private header: gzip was chosen but the client does not take it. */
class VaryWriter extends ResponseWriterWrapper {
  override writeHead(status: number, headers: ResponseHeaders): void {
    if (status < 100 || status > 199) {
      addVary(headers);
      delete headers['no-gzip-compression'];
    }
    this.inner.writeHead(status, headers);
  }
}

/**
 * Compresses responses with gzip, brotli (or zstd where Node has it) as Traefik does: the coding is
 * negotiated from Accept-Encoding with q-values and the server's order of `encodings`; HEAD requests,
 * requests of an excluded Content-Type (gRPC always) and clients that send no Accept-Encoding (unless
 * `defaultEncoding` is set) are left alone. Gzip follows klauspost's gzhttp, brotli Traefik's own handler.
 */
export const compress: MiddlewareFactory<CompressConfig> = (config, context) => {
  const hasExcluded = (config.excludedContentTypes ?? []).length > 0;
  const hasIncluded = (config.includedContentTypes ?? []).length > 0;
  if (hasExcluded && hasIncluded) throw new ConfigError('', 'excludedContentTypes and includedContentTypes options are mutually exclusive');
  const excluded = new Set([grpcMediaType, ...mediaTypes(config.excludedContentTypes, 'excludedContentTypes')]);
  const included = new Set(mediaTypes(config.includedContentTypes, 'includedContentTypes'));
  const minSize = config.minResponseBodyBytes !== undefined && config.minResponseBodyBytes > 0 ? config.minResponseBodyBytes : defaultMinSize;

  const expected = supportedEncodings.map((name) => quote(name)).join(', ');
  if (config.encodings.length === 0) throw new ConfigError('encodings', 'at least one encoding must be specified');
  config.encodings.forEach((encoding, index) => {
    if (!isEncoding(encoding)) throw new ConfigError(`encodings[${index}]`, `unsupported encoding ${quote(encoding)}; expected one of ${expected}`);
  });
  const defaultEncoding = config.defaultEncoding === undefined || config.defaultEncoding === '' ? undefined : config.defaultEncoding;
  if (defaultEncoding !== undefined && !config.encodings.includes(defaultEncoding)) {
    throw new ConfigError('defaultEncoding', `unsupported default encoding ${quote(defaultEncoding)}; expected one of encodings (${config.encodings.map((name) => quote(name)).join(', ')})`);
  }

  // Differs from Traefik where Node lacks a coding (zstd before Node 22.15): it is accepted but never chosen.
  const available = (config.encodings as Encoding[]).filter((encoding) => codings.has(encoding));
  const preferences = encodingPreferences(available, defaultEncoding !== undefined && codings.has(defaultEncoding as Encoding) ? (defaultEncoding as Encoding) : undefined);

  // klauspost's gzip handler takes the options as a filter on the response's Content-Type.
  const gzipRules: GzipRules = {
    minSize,
    acceptsContentType: hasIncluded
      ? (contentType) => {
          const parsed = parseMediaType(contentType);
          return parsed.error === undefined && included.has(parsed.mediaType);
        }
      : (contentType) => {
          const parsed = parseMediaType(contentType);
          return parsed.error !== undefined || !excluded.has(parsed.mediaType);
        },
  };
  const compressionRules: CompressionRules = { minSize, includedMediaTypes: included, excludedMediaTypes: hasIncluded ? new Set() : excluded };
  const log = context.log;

  const writerFor = (exchange: Exchange, encoding: Encoding): void => {
    const coding: Coding = codings.get(encoding)!;
    const onError = (error: Error): void => {
      log.debug('compression failed', { error: error.message });
      exchange.fail(new InternalError(`compression failed: ${error.message}`));
    };
    if (encoding !== 'gzip') {
      exchange.writer = new CompressionWriter(exchange.writer, coding, compressionRules, onError);
      return;
    }
    // The gzip handler reads Accept-Encoding again and ignores a wildcard.
    exchange.writer = acceptsGzip(exchange.request.headers['accept-encoding']) ? new GzipWriter(exchange.writer, coding, gzipRules, onError) : new VaryWriter(exchange.writer);
  };

  return (next) =>
    function compress(exchange) {
      const { request } = exchange;
      if (request.method === 'HEAD' || available.length === 0) return next(exchange);
      // Event streams and the like are recognised by the request's type too (traefik/traefik#2576).
      const requestType = request.headers['content-type'];
      if (requestType !== undefined && excluded.has(parseMediaType(requestType).mediaType)) return next(exchange);
      const acceptEncoding = request.headers['accept-encoding'];
      let encoding: string | undefined;
      if (acceptEncoding === undefined) {
        // RFC 9110 §12.5.3: without Accept-Encoding any coding is acceptable; Traefik only uses defaultEncoding then.
        encoding = preferences.defaultEncoding;
      } else {
        encoding = negotiateEncoding(acceptEncoding, preferences);
      }
      if (encoding === undefined || !isEncoding(encoding)) return next(exchange);
      writerFor(exchange, encoding);
      next(exchange);
    };
};
