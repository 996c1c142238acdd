import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergePluginConfig, PluginConfigError } from '../../../../src/http/middlewares/plugin/plugin-config.js';

describe('mergePluginConfig', () => {
  it('returns the defaults as they are when no option is given', () => {
    const defaults = { headers: {} };

    assert.equal(mergePluginConfig(defaults, {}), defaults);
  });

  it('matches keys ignoring case and keeps the spelling of the defaults', () => {
    assert.deepEqual(mergePluginConfig({ Headers: {} }, { headers: { 'X-Demo': 'test' } }), { Headers: { 'X-Demo': 'test' } });
    assert.deepEqual(mergePluginConfig({ headers: {} }, { HEADERS: { Foo: 'bar' } }), { headers: { Foo: 'bar' } });
  });

  it('prefers the key spelled exactly as the option', () => {
    assert.deepEqual(mergePluginConfig({ name: 'a', Name: 'b' }, { Name: 'c' }), { name: 'a', Name: 'c' });
  });

  it('merges maps into the map of the defaults and adds keys without a default', () => {
    assert.deepEqual(mergePluginConfig({ headers: { 'X-Default': 'kept' }, level: 1 }, { headers: { 'X-Added': 'new' }, extra: [1] }), {
      headers: { 'X-Default': 'kept', 'X-Added': 'new' },
      level: 1,
      extra: [1],
    });
  });

  it('converts text to the type of the default, as mapstructure with weak typing', () => {
    const merged = mergePluginConfig({ count: 0, enabled: false, ratio: 0.5, name: '', tags: [''] }, { count: '3', enabled: 'true', ratio: '0.25', name: 42, tags: 'a,b' });

    assert.deepEqual(merged, { count: 3, enabled: true, ratio: 0.25, name: '42', tags: ['a', 'b'] });
  });

  it('reads Go\'s boolean spellings and turns a lone value into a list', () => {
    assert.deepEqual(mergePluginConfig({ a: true, b: true, c: false, list: [] }, { a: 'F', b: '0', c: 1, list: 'one' }), { a: false, b: false, c: true, list: ['one'] });
  });

  it('replaces lists rather than merging them', () => {
    assert.deepEqual(mergePluginConfig({ hosts: ['a', 'b', 'c'] }, { hosts: ['x'] }), { hosts: ['x'] });
  });

  it('leaves a default alone when the option has no value', () => {
    assert.deepEqual(mergePluginConfig({ headers: { a: '1' } }, { headers: null }), { headers: { a: '1' } });
  });

  it('decodes nested objects with the same rules', () => {
    assert.deepEqual(mergePluginConfig({ limits: { max: 0, burst: 0 } }, { Limits: { MAX: '10' } }), { limits: { max: 10, burst: 0 } });
  });

  it('takes the options as they are when createConfig returns nothing', () => {
    assert.deepEqual(mergePluginConfig(undefined, { a: { b: 1 } }), { a: { b: 1 } });
  });

  it('does not change the options it reads', () => {
    const options = { headers: { a: '1' } };
    mergePluginConfig({ headers: {} }, options);

    assert.deepEqual(options, { headers: { a: '1' } });
  });

  const refused: ReadonlyArray<[string, unknown, Record<string, unknown>, string]> = [
    ['text for a map', { headers: {} }, { headers: 'x' }, 'headers: expected a map, got "x"'],
    ['a word for a boolean', { enabled: false }, { enabled: 'yes' }, 'enabled: expected a boolean, got "yes"'],
    ['a word for a number', { count: 0 }, { count: 'many' }, 'count: expected a number, got "many"'],
    ['a map for a string', { name: '' }, { name: { a: 1 } }, 'name: expected a string, got a map'],
    ['a map for a list', { tags: [] }, { tags: { a: 1 } }, 'tags: expected a list, got a map'],
    ['a nested mismatch, with its path', { limits: { max: 0 } }, { limits: { max: 'x' } }, 'limits.max: expected a number, got "x"'],
    ['defaults that are not an object', 'text', { a: 1 }, 'createConfig() must return an object, got "text"'],
  ];
  for (const [description, defaults, options, message] of refused) {
    it(`refuses ${description}`, () => {
      assert.throws(() => mergePluginConfig(defaults, options), (error: unknown) => error instanceof PluginConfigError && error.message === message);
    });
  }
});
