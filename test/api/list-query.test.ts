import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { filterService, ListQueryError, pagination, searchCriterion, searchIn, sortItems } from '../../src/api/list-query.js';

const query = (text: string): URLSearchParams => new URLSearchParams(text);

describe('pagination (Traefik pkg/api/criterion.go)', () => {
  it('shows the first 100 items by default, with next page 1 when they all fit', () => {
    assert.deepEqual(pagination(query(''), 5), { start: 0, end: 5, nextPage: 1 });
  });

  it('points X-Next-Page to the following page while items remain', () => {
    assert.deepEqual(pagination(query('per_page=2&page=2'), 5), { start: 2, end: 4, nextPage: 3 });
    assert.deepEqual(pagination(query('per_page=2&page=3'), 5), { start: 4, end: 5, nextPage: 1 });
  });

  it('accepts the first page of an empty list', () => {
    assert.deepEqual(pagination(query('page=1'), 0), { start: 0, end: 0, nextPage: 1 });
  });

  it('refuses a page past the end with Traefik\'s message', () => {
    assert.throws(() => pagination(query('per_page=2&page=4'), 5), new ListQueryError('invalid request: page: 4, per_page: 2'));
  });

  it('refuses a non-positive or non-numeric parameter as Go\'s Atoi reads it', () => {
    assert.throws(() => pagination(query('page=-1'), 5), new ListQueryError('invalid request: page: -1'));
    assert.throws(() => pagination(query('per_page=abc'), 5), new ListQueryError('invalid request: per_page: 0'));
  });
});

describe('search criterion', () => {
  it('is absent when no filter is set, so every item is kept', () => {
    assert.equal(searchCriterion(query('page=2')), undefined);
  });

  it('searches case-insensitively in any of the values', () => {
    const criterion = searchCriterion(query('search=SHOP'))!;
    assert.equal(searchIn(criterion, 'Host(`x`)', 'shop@file'), true);
    assert.equal(searchIn(criterion, 'Host(`x`)', 'cart@file'), false);
  });

  it('matches an unqualified service reference by the name part of the filter', () => {
    assert.equal(filterService(searchCriterion(query('serviceName=app@file'))!, 'app'), true);
    assert.equal(filterService(searchCriterion(query('serviceName=app@file'))!, 'app@docker'), false);
    assert.equal(filterService(searchCriterion(query('serviceName=app'))!, 'app@file'), false);
  });
});

describe('sortItems', () => {
  const items = (): Array<{ name: string; priority: number }> => [
    { name: 'b', priority: 1 },
    { name: 'a', priority: 2 },
    { name: 'c', priority: 1 },
  ];
  const keys = { priority: (item: { priority: number }) => item.priority };

  it('sorts by name ascending by default', () => {
    const list = items();
    sortItems(query(''), list, keys);
    assert.deepEqual(list.map((item) => item.name), ['a', 'b', 'c']);
  });

  it('sorts by a key, ties by name, in the asked direction', () => {
    const list = items();
    sortItems(query('sortBy=priority&direction=desc'), list, keys);
    assert.deepEqual(list.map((item) => item.name), ['a', 'c', 'b']);
  });
});
