import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { RuleError } from '../../src/rules/rule-error.js';
import { parseRule, type RuleNode } from '../../src/rules/rule-parser.js';

/** Writes a tree compactly: `and(m("1"), not(m("2")))`. */
function show(node: RuleNode): string {
  switch (node.kind) {
    case 'matcher':
      return `${node.name}(${node.args.map((arg) => JSON.stringify(arg)).join(', ')})`;
    case 'not':
      return `not(${show(node.operand)})`;
    default:
      return `${node.kind}(${show(node.left)}, ${show(node.right)})`;
  }
}

const knowsEveryName = (): undefined => undefined;

// Ported from Traefik's pkg/rules/parser_test.go (matcher "m"); negations stay where they are
// written here, while Traefik pushes them down to the matchers (the rule tables check both agree).
describe('parseRule', () => {
  const trees: ReadonlyArray<{ description: string; rule: string; tree: string }> = [
    { description: 'a matcher without values', rule: 'm()', tree: 'm()' },
    { description: 'a matcher with an empty value', rule: 'm(``)', tree: 'm("")' },
    { description: 'a matcher with one value', rule: 'm(`1`)', tree: 'm("1")' },
    { description: 'superfluous parentheses', rule: '(m(`1`))', tree: 'm("1")' },
    { description: 'a matcher name in capitals', rule: 'M(`1`)', tree: 'M("1")' },
    { description: 'two values', rule: 'm(`1`, `2`)', tree: 'm("1", "2")' },
    { description: 'a negated matcher', rule: '!m(`1`)', tree: 'not(m("1"))' },
    { description: 'two matchers with "&&"', rule: 'm(`1`) && m(`2`)', tree: 'and(m("1"), m("2"))' },
    { description: 'two matchers with "||"', rule: 'm(`1`) || m(`2`)', tree: 'or(m("1"), m("2"))' },
    { description: 'a negated "&&"', rule: '!(m(`1`) && m(`2`))', tree: 'not(and(m("1"), m("2")))' },
    { description: 'a negated "||"', rule: '!(m(`1`) || m(`2`))', tree: 'not(or(m("1"), m("2")))' },
    { description: 'a matcher without values after "&&"', rule: 'm(`1`) && m()', tree: 'and(m("1"), m())' },
    { description: '"&&" binding tighter than "||"', rule: 'a(`1`) || b(`2`) && c(`3`)', tree: 'or(a("1"), and(b("2"), c("3")))' },
    { description: '"!" binding tighter than "&&"', rule: '!a(`1`) && b(`2`)', tree: 'and(not(a("1")), b("2"))' },
    { description: '"&&" associating to the left', rule: 'a(`1`) && b(`2`) && c(`3`)', tree: 'and(and(a("1"), b("2")), c("3"))' },
    { description: '"||" associating to the left', rule: 'a(`1`) || b(`2`) || c(`3`)', tree: 'or(or(a("1"), b("2")), c("3"))' },
    { description: 'parentheses overriding precedence', rule: '(a(`1`) || b(`2`)) && c(`3`)', tree: 'and(or(a("1"), b("2")), c("3"))' },
    { description: 'double-quoted values with escapes', rule: 'm("a\\tb\\u00e9\\303\\251")', tree: 'm("a\\tbéé")' },
    { description: 'raw values without their carriage returns', rule: 'm(`a\r\nb`)', tree: 'm("a\\nb")' },
  ];
  for (const { description, rule, tree } of trees) {
    it(`parses ${description}`, () => {
      assert.equal(show(parseRule(rule, knowsEveryName)), tree);
    });
  }

  const errors: ReadonlyArray<{ description: string; rule: string; message: string }> = [
    { description: 'an empty rule', rule: '', message: 'rule is empty at col 1' },
    { description: 'blank rule', rule: '  \n ', message: 'rule is empty at col 1' },
    { description: 'a name alone', rule: 'm', message: 'expected "(" after "m" at col 2' },
    { description: 'a dangling "&&"', rule: 'm(`1`) &&', message: 'unexpected end of rule, expected a matcher at col 10' },
    { description: 'a dangling "||"', rule: 'm(`1`) ||', message: 'unexpected end of rule, expected a matcher at col 10' },
    { description: 'a missing closing backtick', rule: 'm(`1)', message: 'raw string literal not terminated at col 3' },
    { description: 'a missing opening parenthesis', rule: 'm(`1`))', message: 'unbalanced parenthesis at col 7' },
    { description: 'a missing closing parenthesis', rule: '(m(`1`)', message: 'unbalanced parenthesis at col 1' },
    { description: 'an unterminated comment', rule: 'm(`1`) /* x', message: 'comment not terminated at col 8' },
    { description: 'an invalid \\u escape', rule: 'm("\\ud800")', message: 'escape sequence is invalid Unicode code point at col 4' },
    { description: 'an octal escape above 255', rule: 'm("\\400")', message: 'octal escape value > 255 at col 4' },
    { description: 'a short \\x escape', rule: 'm("\\x4")', message: 'unknown escape sequence "\\x" at col 4' },
    { description: 'a line break inside a double-quoted value', rule: 'm("a\nb")', message: 'string literal not terminated at col 3' },
  ];
  for (const { description, rule, message } of errors) {
    it(`refuses ${description}`, () => {
      assert.throws(() => parseRule(rule, knowsEveryName), (error: unknown) => {
        assert.ok(error instanceof RuleError);
        assert.equal(error.message, message);
        return true;
      });
    });
  }

  it('asks about a name used without parentheses, to report it as unknown', () => {
    const unknown = new RuleError('unknown matcher "w"', 1);
    assert.throws(() => parseRule('w', () => unknown), (error: unknown) => error === unknown);
  });
});
