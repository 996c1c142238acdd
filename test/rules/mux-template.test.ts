import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { MatcherArgumentError } from '../../src/rules/matcher-spec.js';
import { muxTemplatePattern, type TemplateKind } from '../../src/rules/mux-template.js';

// The Go expressions gorilla/mux (containous fork) builds for Traefik's v2 templates.
describe('muxTemplatePattern', () => {
  const cases: ReadonlyArray<{ description: string; template: string; kind: TemplateKind; pattern: string }> = [
    { description: 'quotes a path and anchors it at both ends', template: '/a.b', kind: 'path', pattern: '^/a\\.b$' },
    { description: 'matches one segment for a variable without a pattern', template: '/a/{id}', kind: 'path', pattern: '^/a/(?:[^/]+)$' },
    { description: 'uses the pattern of a variable', template: '/a/{id:[0-9]+}/b', kind: 'path', pattern: '^/a/(?:[0-9]+)/b$' },
    { description: 'keeps braces nested in a pattern', template: '/a/{id:[0-9]{2}}', kind: 'path', pattern: '^/a/(?:[0-9]{2})$' },
    { description: 'leaves a path prefix open at the end', template: '/css-{name:[0-9]?}', kind: 'pathPrefix', pattern: '^/css-(?:[0-9]?)' },
    { description: 'matches one label for a host variable, case-insensitively', template: '{sub}.example.com', kind: 'host', pattern: '(?i)^(?:[^.]+)\\.example\\.com$' },
    { description: 'accepts any value for a query without a value', template: 'foo=', kind: 'query', pattern: '^foo=.*$' },
    { description: 'matches any value for a query variable without a pattern', template: 'foo={v}', kind: 'query', pattern: '^foo=(?:.*)$' },
    { description: 'keeps only the first colon as the separator', template: '/{t:a:b}', kind: 'path', pattern: '^/(?:a:b)$' },
  ];
  for (const { description, template, kind, pattern } of cases) {
    it(description, () => {
      assert.equal(muxTemplatePattern(template, kind), pattern);
    });
  }

  const errors: ReadonlyArray<{ description: string; template: string; message: string }> = [
    { description: 'an unclosed brace', template: '/a/{id', message: 'unbalanced braces in "/a/{id"' },
    { description: 'a closing brace without an opening one', template: '/a}', message: 'unbalanced braces in "/a}"' },
    { description: 'a variable without a name', template: '/{:x}', message: 'missing name or pattern in "{:x}"' },
    { description: 'a variable with an empty pattern', template: '/{x:}', message: 'missing name or pattern in "{x:}"' },
    { description: 'a pattern that is invalid on its own', template: '/{x:a)(b}', message: 'invalid regular expression "a)(b": unexpected )' },
  ];
  for (const { description, template, message } of errors) {
    it(`refuses ${description}`, () => {
      assert.throws(() => muxTemplatePattern(template, 'path'), (error: unknown) => {
        assert.ok(error instanceof MatcherArgumentError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }
});
