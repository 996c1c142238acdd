import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allocateWeights, parseServiceWeights } from '../../../src/providers/kubernetes-ingress/service-weights.js';

const annotation = 'traefik.ingress.kubernetes.io/service-weights';

function percentages(text: string): ReadonlyMap<string, number> {
  const parsed = parseServiceWeights({ [annotation]: text });
  if (!parsed.ok) throw parsed.error;
  assert.notEqual(parsed.value, undefined);
  return parsed.value!.percentages;
}

function faultOf(annotations: Record<string, string>): string {
  const parsed = parseServiceWeights(annotations);
  assert.equal(parsed.ok, false);
  return parsed.ok ? '' : parsed.error.message;
}

describe('parseServiceWeights', () => {
  it('gives nothing for an Ingress without the annotation', () => {
    assert.deepEqual(parseServiceWeights({ 'traefik.ingress.kubernetes.io/router.priority': '3' }), { ok: true, value: undefined });
    assert.deepEqual(parseServiceWeights(undefined), { ok: true, value: undefined });
  });

  it('reads percentages in thousandths of a percent, with or without %, decimals included', () => {
    assert.deepEqual([...percentages('cheddar: 75%\nwensleydale: 12.5%\nstilton: 10\nbrie: 0.125%\n')], [
      ['cheddar', 75_000],
      ['wensleydale', 12_500],
      ['stilton', 10_000],
      ['brie', 125],
    ]);
  });

  it('drops digits past the third decimal, as Traefik 1.x did', () => {
    assert.deepEqual([...percentages('cheddar: 33.33333%')], [['cheddar', 33_333]]);
  });

  it('keeps percentages over 100 % for the path check to refuse', () => {
    assert.deepEqual([...percentages('cheddar: 1000%')], [['cheddar', 1_000_000]]);
  });

  it('reads an empty annotation as no weights', () => {
    assert.deepEqual([...percentages('')], []);
  });

  it('prefers the plain ingress.kubernetes.io spelling when both are set, as 1.x did', () => {
    const parsed = parseServiceWeights({ [annotation]: 'cheddar: 90%', 'ingress.kubernetes.io/service-weights': 'cheddar: 10%' });

    assert.equal(parsed.ok && parsed.value?.field, 'metadata.annotations["ingress.kubernetes.io/service-weights"]');
    assert.deepEqual(parsed.ok && [...parsed.value!.percentages], [['cheddar', 10_000]]);
  });

  it('refuses a value that is not a percentage, naming the annotation and the service', () => {
    assert.equal(
      faultOf({ [annotation]: 'cheddar: lots' }),
      'metadata.annotations["traefik.ingress.kubernetes.io/service-weights"]: service "cheddar": expected a percentage such as "25%", got "lots"',
    );
    assert.equal(faultOf({ [annotation]: 'cheddar: -5%' }), 'metadata.annotations["traefik.ingress.kubernetes.io/service-weights"]: service "cheddar": a percentage must not be negative, got "-5%"');
    assert.equal(faultOf({ [annotation]: 'cheddar:' }), 'metadata.annotations["traefik.ingress.kubernetes.io/service-weights"]: service "cheddar": expected a percentage such as "25%", got "null"');
  });

  it('refuses an annotation that is not a YAML map', () => {
    assert.equal(faultOf({ [annotation]: '- cheddar' }), 'metadata.annotations["traefik.ingress.kubernetes.io/service-weights"]: expected a YAML map of service names to percentages');
    assert.match(faultOf({ [annotation]: 'cheddar: [75%' }), /^metadata\.annotations\["traefik\.ingress\.kubernetes\.io\/service-weights"\]: expected a YAML map of service names to percentages: /);
  });
});

describe('allocateWeights', () => {
  const cheddar = { serviceName: 'cheddar', servers: 1 };
  const wensleydale = { serviceName: 'wensleydale', servers: 1 };
  const stilton = { serviceName: 'stilton', servers: 1 };

  it('gives 75 % / 25 % as weights 3 and 1', () => {
    assert.deepEqual(allocateWeights([cheddar, wensleydale], percentages('cheddar: 75%\nwensleydale: 25%'), 'cheeses/'), [3, 1]);
  });

  it('gives the rest to the only backend without a weight', () => {
    assert.deepEqual(allocateWeights([cheddar, wensleydale], percentages('wensleydale: 25%'), 'cheeses/'), [3, 1]);
  });

  it('shares the rest equally between backends without a weight', () => {
    assert.deepEqual(allocateWeights([cheddar, wensleydale, stilton], percentages('cheddar: 50%'), 'cheeses/'), [2, 1, 1]);
  });

  it('shares the rest by servers, as 1.x weighed every server alike', () => {
    assert.deepEqual(allocateWeights([cheddar, { serviceName: 'stilton', servers: 3 }], percentages('wensleydale: 20%'), 'cheeses/'), [1, 3]);
  });

  it('keeps decimal percentages exact', () => {
    assert.deepEqual(allocateWeights([cheddar, wensleydale], percentages('cheddar: 87.5%\nwensleydale: 12.5%'), 'cheeses/'), [7, 1]);
  });

  it('ignores a weight that names no backend of the path, as 1.x did', () => {
    assert.deepEqual(allocateWeights([cheddar, wensleydale], percentages('wensleydale: 25%\nstilton: 50%'), 'cheeses/'), [3, 1]);
  });

  it('gives no weight to a backend without servers', () => {
    assert.deepEqual(allocateWeights([cheddar, { serviceName: 'wensleydale', servers: 0 }], percentages('wensleydale: 25%'), 'cheeses/'), [1, 0]);
  });

  it('refuses weights over 100 %', () => {
    assert.equal(allocateWeights([cheddar, wensleydale], percentages('cheddar: 80%\nwensleydale: 30%'), 'cheeses.minikube/'), 'the weights of path "cheeses.minikube/" sum to 110%, over 100%');
  });

  it('refuses weights under 100 % when every backend has one', () => {
    assert.equal(
      allocateWeights([cheddar, wensleydale], percentages('cheddar: 50%\nwensleydale: 12.5%'), 'cheeses.minikube/'),
      'the weights of path "cheeses.minikube/" sum to 62.5%, and no backend without a weight is left to take the remaining 37.5%',
    );
  });

  it('accepts a single backend weighted at 100 %, and refuses it at less', () => {
    assert.deepEqual(allocateWeights([cheddar], percentages('cheddar: 100%'), 'cheeses/'), [1]);
    assert.equal(allocateWeights([cheddar], percentages('cheddar: 50%'), 'cheeses/'), 'the weights of path "cheeses/" sum to 50%, and no backend without a weight is left to take the remaining 50%');
  });
});
