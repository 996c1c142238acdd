import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RenewingLock, type Lease } from '../../../src/acme/storage/renewing-lock.js';
import { until } from '../../support/until.js';

/** A lease whose renewals answer what the test says, counting renewals and releases. */
function scriptedLease(answer: () => Promise<boolean>): Lease & { renewals: number; releases: number } {
  const lease = {
    renewals: 0,
    releases: 0,
    async renew() {
      lease.renewals += 1;
      return answer();
    },
    async release() {
      lease.releases += 1;
    },
  };
  return lease;
}

describe('RenewingLock', () => {
  it('renews its lease several times per period and stays held while renewals succeed', async () => {
    const lease = scriptedLease(async () => true);
    const lock = new RenewingLock(lease, 1200, Date.now());

    await until(() => lease.renewals >= 4, { message: 'several renewals' });

    assert.equal(lock.held, true);
    await lock.release();
    assert.equal(lease.releases, 1);
    assert.equal(lock.held, false);
  });

  it('is no longer held once a renewal finds the lease gone, and then gives nothing back', async () => {
    const lease = scriptedLease(async () => false);
    const reasons: string[] = [];
    const lock = new RenewingLock(lease, 300, Date.now(), (reason) => reasons.push(reason));

    await until(() => !lock.held, { message: 'the loss to be noticed' });

    assert.deepEqual(reasons, ['the lease was taken over or removed']);
    await lock.release();
    assert.equal(lease.releases, 0);
  });

  it('keeps the lock through failed renewals shorter than the lease, and gives it up after a whole lease without one', async () => {
    let reachable = true;
    const lease = scriptedLease(async () => {
      if (!reachable) throw new Error('unreachable');
      return true;
    });
    const lock = new RenewingLock(lease, 3000, Date.now());
    reachable = false;
    const failedFrom = lease.renewals;

    await until(() => lease.renewals >= failedFrom + 1, { message: 'a failed renewal' });
    const heldAfterOneFailure = lock.held;
    await until(() => !lock.held, { timeoutMs: 10_000, message: 'the lock to be given up' });

    assert.equal(heldAfterOneFailure, true);
    await lock.release();
    assert.equal(lease.releases, 0);
  });

  it('stops renewing without giving the lease back when abandoned', async () => {
    const lease = scriptedLease(async () => true);
    const ended: RenewingLock[] = [];
    const lock = new RenewingLock(lease, 300, Date.now(), () => {}, (which) => ended.push(which));

    lock.abandon();
    const renewals = lease.renewals;
    await new Promise((resolve) => setTimeout(resolve, 400));

    assert.equal(lock.held, false);
    assert.equal(lease.renewals, renewals);
    assert.equal(lease.releases, 0);
    assert.deepEqual(ended, [lock]);
  });
});
