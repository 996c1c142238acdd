import type { Exchange } from '../../exchange.js';
import type { MiddlewareFactory } from '../middleware.js';
import { Base64Decoder } from './base64-decoder.js';
import { actualRequestHeaders, preflightHeaders, type OriginCheck } from './cors.js';
import type { GrpcWebConfig } from './grpc-web-schema.js';
import { GrpcWebWriter } from './grpc-web-writer.js';

function headerValue(exchange: Exchange, name: string): string {
  const value = exchange.request.headers[name];
  return typeof value === 'string' ? value : Array.isArray(value) ? (value[0] ?? '') : '';
}

/**
 * `grpcWeb`: lets browsers call gRPC services. A gRPC-Web request (POST, `application/grpc-web*`) goes on as
 * gRPC, its answer comes back as gRPC-Web; CORS preflights that announce `x-grpc-web` are answered here.
 * Everything else passes untouched. The server behind must speak HTTP/2 (an `h2c://` or `https://` URL).
 */
export const grpcWeb: MiddlewareFactory<GrpcWebConfig> = (config) => {
  const origins = new Set(config.allowOrigins);
  const isOriginAllowed: OriginCheck = origins.has('*') ? () => true : (origin) => origins.has(origin);

  return (next) =>
    function grpcWebMiddleware(exchange) {
      const { method } = exchange.request;
      const contentType = headerValue(exchange, 'content-type');
      const isGrpcWeb = method === 'POST' && contentType.startsWith('application/grpc-web');
      const isCorsPreflight = method === 'OPTIONS' && headerValue(exchange, 'access-control-request-headers').toLowerCase().includes('x-grpc-web');
      if (!isGrpcWeb && !isCorsPreflight) return next(exchange);

      const headers = exchange.request.headers;
      if (method === 'OPTIONS' && headers['access-control-request-method'] !== undefined) {
        exchange.reply(200, '', preflightHeaders(headers, isOriginAllowed));
        return;
      }
      const isText = contentType.startsWith('application/grpc-web-text');
      headers['content-type'] = contentType.replace(isText ? 'application/grpc-web-text' : 'application/grpc-web', 'application/grpc');
      // The HTTP/1.1 length is not that of the gRPC stream (and changes when text is decoded).
      delete headers['content-length'];
      exchange.requestBody = isText ? exchange.request.pipe(new Base64Decoder()) : exchange.request;
      exchange.writer = new GrpcWebWriter(exchange.writer, isText, actualRequestHeaders(method, headers, isOriginAllowed));
      next(exchange);
    };
};
