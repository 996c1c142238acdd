import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { statusOf, type KubernetesApi, type V1Lease } from './kubernetes-api.js';
import { RenewingLock } from './renewing-lock.js';

/** Where the lock named `key` lives: a Lease beside the Secret, named after the Secret and a digest of the key. */
export function leaseNameFor(secretName: string, key: string): string {
  return `${secretName}-lock-${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
}

/** The time until which a Lease is held, as leader election reads it: last renewal plus the lease duration. */
function heldUntil(lease: V1Lease): number {
  const renewed = lease.spec?.renewTime ?? lease.spec?.acquireTime;
  if (lease.spec?.holderIdentity === undefined || lease.spec.holderIdentity === '' || renewed === undefined) return 0;
  // The client hands MicroTime fields back as text or as a Date, depending on the call.
  return new Date(renewed as unknown as string).getTime() + (lease.spec.leaseDurationSeconds ?? 0) * 1000;
}

/**
 * Takes a `coordination.k8s.io/v1` Lease for `leaseMs` (rounded up to whole seconds, as Leases count them):
 * created when absent, taken over when its holder let it run out, each write conditional on the resourceVersion
 * read so that two instances racing for it cannot both win. Returns undefined when someone holds it.
 */
export async function tryLeaseLock(api: KubernetesApi, namespace: string, name: string, key: string, leaseMs: number, events: { onLost(reason: string): void; onEnd(lock: RenewingLock): void }): Promise<RenewingLock | undefined> {
  const identity = `${hostname()}_${randomUUID()}`;
  const leaseDurationSeconds = Math.max(1, Math.ceil(leaseMs / 1000));
  const takenAt = Date.now();
  const now = api.microTimeNow;
  let current: V1Lease | undefined;
  try {
    current = await api.coordination.readNamespacedLease({ name, namespace });
  } catch (error) {
    if (statusOf(error) !== 404) throw error;
  }

  try {
    if (current === undefined) {
      current = await api.coordination.createNamespacedLease({
        namespace,
        body: {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'junction' }, annotations: { 'junction/acme-lock': key } },
          spec: { holderIdentity: identity, leaseDurationSeconds, acquireTime: now(), renewTime: now(), leaseTransitions: 0 },
        },
      });
    } else {
      if (heldUntil(current) > Date.now()) return undefined;
      current = await api.coordination.replaceNamespacedLease({
        name,
        namespace,
        body: {
          ...current,
          spec: { ...current.spec, holderIdentity: identity, leaseDurationSeconds, acquireTime: now(), renewTime: now(), leaseTransitions: (current.spec?.leaseTransitions ?? 0) + 1 },
        },
      });
    }
  } catch (error) {
    // Another instance created or took it between our read and our write.
    if (statusOf(error) === 409) return undefined;
    throw error;
  }

  return new RenewingLock(
    {
      async renew() {
        const latest = await api.coordination.readNamespacedLease({ name, namespace });
        if (latest.spec?.holderIdentity !== identity) return false;
        await api.coordination.replaceNamespacedLease({ name, namespace, body: { ...latest, spec: { ...latest.spec, renewTime: now() } } });
        return true;
      },
      async release() {
        try {
          const latest = await api.coordination.readNamespacedLease({ name, namespace });
          if (latest.spec?.holderIdentity !== identity) return;
          // As leader election gives a Lease back: no holder, so the next instance takes it at once.
          const { holderIdentity: _released, ...spec } = latest.spec;
          await api.coordination.replaceNamespacedLease({ name, namespace, body: { ...latest, spec: { ...spec, leaseDurationSeconds: 1, renewTime: now() } } });
        } catch (error) {
          // Gone or taken meanwhile: nothing of ours is left to give back.
          if (statusOf(error) !== 404 && statusOf(error) !== 409) throw error;
        }
      },
    },
    leaseMs,
    takenAt,
    events.onLost,
    events.onEnd,
  );
}
