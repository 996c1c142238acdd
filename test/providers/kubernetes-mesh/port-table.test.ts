import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PortTable } from '../../../src/providers/kubernetes-mesh/port-table.js';

describe('PortTable', () => {
  it('gives new keys the lowest free ports in the order listed', () => {
    const table = new PortTable(10000, 25);

    assert.deepEqual([...table.update(['a', 'b', 'c'])], [['a', 10000], ['b', 10001], ['c', 10002]]);
  });

  it('keeps the port of a key while it is listed, and gives a freed port to the next new key', () => {
    const table = new PortTable(10000, 25);
    table.update(['a', 'b', 'c']);

    const after = table.update(['c', 'd']);

    assert.equal(after.get('c'), 10002);
    assert.equal(after.get('d'), 10000);
    assert.equal(after.has('a'), false);
  });

  it('leaves a key without a port when the range of limit ports is full', () => {
    const table = new PortTable(15000, 2);

    const ports = table.update(['a', 'b', 'c']);

    assert.deepEqual([...ports], [['a', 15000], ['b', 15001]]);
    assert.equal(table.max, 15001);
  });

  it('gives no port at all with a limit of 0', () => {
    assert.equal(new PortTable(10000, 0).update(['a']).size, 0);
  });
});
