// A Junction local plugin that behaves as Traefik's demo plugin (github.com/traefik/plugindemo): for each
// entry of `Headers`, it sets a request header whose value is a template with `[[` `]]` delimiters,
// evaluated against the request as Go's text/template evaluates it against an *http.Request
// (`[[.Method]]`, `[[.Host]]`, `[[.URL]]`, `[[.URL.Path]]`, `[[.Header.Get "X-Name"]]`, ...).
//
// Install: copy this folder to ./plugins-local/src/github.com/traefik/plugindemo/ and declare
//   experimental:
//     localPlugins:
//       plugindemo:
//         moduleName: github.com/traefik/plugindemo

/** Returns the default configuration, as the Go plugin's CreateConfig. */
export function createConfig() {
  return { Headers: {} };
}

/**
 * Builds the middleware for one router, as the Go plugin's New: refuses a configuration without headers.
 * @param {{ Headers: Record<string, string> }} config
 * @param {{ name: string }} context
 */
export function create(config, context) {
  const headers = Object.entries(config.Headers ?? {});
  if (headers.length === 0) throw new Error('headers cannot be empty');
  const templates = headers.map(([name, value]) => ({ name: name.toLowerCase(), template: parseTemplate(value) }));
  return (next) =>
    function plugindemo(exchange) {
      const request = requestView(exchange);
      const values = [];
      for (const { name, template } of templates) {
        const value = template.error ?? executeTemplate(template.nodes, request);
        if (value instanceof TemplateError) {
          // As http.Error: the message as plain text, status 500.
          exchange.reply(500, `${value.message}\n`);
          return;
        }
        values.push([name, value]);
      }
      for (const [name, value] of values) {
        // Go sends req.Host, never a Host header set in req.Header: such a header has no effect.
        if (name !== 'host') exchange.request.headers[name] = value;
      }
      next(exchange);
    };
}

class TemplateError extends Error {}

/** Go's canonical header key: `x-demo` is `X-Demo`. */
function canonicalKey(name) {
  return name.toLowerCase().replace(/(^|-)([a-z])/g, (_, dash, letter) => dash + letter.toUpperCase());
}

/** Prints a value as text/template does (fmt's %v). */
function print(value) {
  if (value === undefined) return '<no value>';
  if (value instanceof Map) {
    const keys = [...value.keys()].sort();
    return `map[${keys.map((key) => `${key}:${print(value.get(key))}`).join(' ')}]`;
  }
  if (Array.isArray(value)) return `[${value.map(print).join(' ')}]`;
  if (typeof value === 'object' && value !== null && typeof value.String === 'function') return value.String();
  return String(value);
}

function decodePath(path) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}

/** The request as the fields of Go's *http.Request that a template can read. */
function requestView(exchange) {
  const { request } = exchange;
  const header = new Map();
  for (const [name, value] of Object.entries(request.headers)) {
    if (name === 'host' || value === undefined) continue;
    header.set(canonicalKey(name), Array.isArray(value) ? value : [value]);
  }
  const query = new Map();
  for (const [key, value] of new URLSearchParams(exchange.rawQuery)) query.set(key, [...(query.get(key) ?? []), value]);
  const path = decodePath(exchange.path);
  const url = {
    Scheme: '',
    Host: '',
    Path: path,
    RawPath: path === exchange.path ? '' : exchange.path,
    RawQuery: exchange.rawQuery,
    Fragment: '',
    String: () => (exchange.rawQuery === '' ? exchange.path : `${exchange.path}?${exchange.rawQuery}`),
    Query: () => ({ map: query, Get: (key) => query.get(key)?.[0] ?? '', String: () => print(query) }),
  };
  const length = request.headers['content-length'];
  const ip = exchange.clientIp.includes(':') ? `[${exchange.clientIp}]` : exchange.clientIp;
  return {
    Method: request.method,
    Host: request.headers.host ?? '',
    URL: url,
    Proto: `HTTP/${request.httpVersion}`,
    ProtoMajor: request.httpVersionMajor,
    ProtoMinor: request.httpVersionMinor,
    RemoteAddr: `${ip}:${exchange.clientPort}`,
    RequestURI: request.url,
    ContentLength: length !== undefined ? Number(length) : request.headers['transfer-encoding'] !== undefined ? -1 : 0,
    Header: { map: header, Get: (key) => header.get(canonicalKey(key))?.[0] ?? '', String: () => print(header) },
  };
}

/**
 * Parses the subset of text/template the demo needs: text, and actions that print a field chain
 * (`.URL.Path`), call `Get "key"` on `.Header` or `.URL.Query`, or print a string literal; `-` trims space
 * around an action and comments are skipped.
 */
function parseTemplate(source) {
  const nodes = [];
  let rest = source;
  while (rest.length > 0) {
    const open = rest.indexOf('[[');
    if (open === -1) {
      nodes.push({ text: rest });
      break;
    }
    let text = rest.slice(0, open);
    let body = rest.slice(open + 2);
    const close = body.indexOf(']]');
    if (close === -1) return { error: new TemplateError('template: demo:1: unclosed action') };
    let action = body.slice(0, close);
    rest = body.slice(close + 2);
    if (action.startsWith('- ')) {
      text = text.trimEnd();
      action = action.slice(2);
    }
    if (action.endsWith(' -')) {
      rest = rest.trimStart();
      action = action.slice(0, -2);
    }
    nodes.push({ text });
    action = action.trim();
    if (action.startsWith('/*') && action.endsWith('*/')) continue;
    const literal = /^"((?:[^"\\]|\\.)*)"$/.exec(action);
    if (literal !== null) {
      nodes.push({ text: JSON.parse(`"${literal[1]}"`) });
      continue;
    }
    const call = /^((?:\.[A-Za-z_][A-Za-z0-9_]*)+)(?:\s+"((?:[^"\\]|\\.)*)")?$/.exec(action);
    if (call === null) {
      const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(action)?.[0];
      const reason = word !== undefined ? `function "${word}" not defined` : `unsupported action "${action}"`;
      return { error: new TemplateError(`template: demo:1: ${reason}`) };
    }
    nodes.push({ fields: call[1].slice(1).split('.'), argument: call[2] === undefined ? undefined : JSON.parse(`"${call[2]}"`), source: call[1] });
  }
  return { nodes };
}

/** Evaluates parsed nodes against the request view; returns the text or a TemplateError. */
function executeTemplate(nodes, request) {
  let output = '';
  for (const node of nodes) {
    if (node.text !== undefined) {
      output += node.text;
      continue;
    }
    let value = request;
    for (const [index, field] of node.fields.entries()) {
      const isLast = index === node.fields.length - 1;
      if (value !== null && typeof value === 'object' && 'map' in value && !(field in value)) {
        // A map is indexed by key: a missing key prints "<no value>".
        value = value.map.get(field);
        continue;
      }
      if (value === null || typeof value !== 'object' || !(field in value)) {
        const type = value === request ? '*http.Request' : value === request.URL ? '*url.URL' : typeof value === 'number' ? 'int64' : typeof value;
        return new TemplateError(`template: demo:1:2: executing "demo" at <${node.source}>: can't evaluate field ${field} in type ${type}`);
      }
      const member = value[field];
      if (typeof member === 'function') value = isLast && node.argument !== undefined ? member(node.argument) : member();
      else value = member;
    }
    output += print(value instanceof Object && 'map' in value ? value.map : value);
  }
  return output;
}
