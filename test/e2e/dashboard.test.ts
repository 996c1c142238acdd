import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startJunction, type JunctionProcess } from '../support/junction.js';
import { findExecutable, skipUnlessPeer } from '../support/peers.js';
import { startUpstream, type Upstream } from '../support/upstream.js';

/** Screenshots of the main pages, for people to look at (gitignored). */
const resultsDir = fileURLToPath(new URL('../../../test-results/', import.meta.url));

const staticConfig = `
entryPoints:
  web:
    address: "127.0.0.1:{{PORT_web}}"
  traefik:
    address: "127.0.0.1:{{PORT_traefik}}"
api:
  insecure: true
providers:
  providersThrottleDuration: 0s
  file:
    filename: "{{DYNAMIC_FILE}}"
`;

const dynamicConfig = (upstreamUrl: string, extraRouter = ''): string => `
http:
  routers:
    shop:
      rule: "Host(\`shop.test\`)"
      middlewares: [strip]
      service: app
    broken:
      rule: "Hots(\`broken.test\`)"
      service: app
${extraRouter}
  middlewares:
    strip:
      stripPrefix:
        prefixes: [/shop]
  services:
    app:
      loadBalancer:
        servers:
          - url: "${upstreamUrl}"
`;

const chromiumMissing = skipUnlessPeer('chromium', 'apt-get install chromium');

describe('dashboard in headless Chromium', { skip: chromiumMissing }, () => {
  let junction: JunctionProcess;
  let upstream: Upstream;
  let browser: Browser;
  let page: Page;

  before(async () => {
    await mkdir(resultsDir, { recursive: true });
    upstream = await startUpstream(undefined);
    junction = await startJunction(undefined, { static: staticConfig, dynamic: dynamicConfig(upstream.url) });
    browser = await chromium.launch({ executablePath: findExecutable('chromium')!, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  });
  after(async () => {
    await browser?.close();
    await junction?.stop('SIGKILL');
    await upstream?.close();
  });

  it('loads the overview with the counts of the running configuration', async () => {
    await page.goto(`${junction.url('traefik')}/dashboard/`);
    const routersCard = page.locator('[data-card="/http/routers"]');
    await routersCard.locator('.total').filter({ hasText: '4' }).waitFor({ timeout: 15_000 });
    assert.match(await routersCard.innerText(), /errors 1/);
    await page.locator('[data-entrypoint="web"]').waitFor();
    await page.screenshot({ path: `${resultsDir}dashboard-overview.png`, fullPage: true });
  });

  it('lists the routers, and flags the broken one as disabled with its error', async () => {
    await page.goto(`${junction.url('traefik')}/dashboard/#/http/routers`);
    const shop = page.locator('tr[data-router="shop@file"]');
    await shop.waitFor({ timeout: 15_000 });
    assert.equal(await shop.getAttribute('data-status'), 'enabled');
    const broken = page.locator('tr[data-router="broken@file"]');
    assert.equal(await broken.getAttribute('data-status'), 'disabled');
    assert.match(await broken.locator('.error').innerText(), /unknown matcher "Hots"/);
    await page.screenshot({ path: `${resultsDir}dashboard-http-routers.png`, fullPage: true });
  });

  it("shows a router's detail: rule, TLS, middlewares, service and its servers' health", async () => {
    await page.goto(`${junction.url('traefik')}/dashboard/#/http/routers/shop%40file`);
    const detail = page.locator('[data-view="router-detail"]');
    await detail.waitFor({ timeout: 15_000 });
    assert.equal(await detail.locator('[data-field="rule"]').innerText(), 'Host(`shop.test`)');
    assert.equal(await detail.locator('[data-field="tls"]').innerText(), 'no');
    assert.equal(await detail.locator('tr[data-middleware="strip@file"] .status').innerText(), 'enabled');
    assert.equal(await detail.locator(`tr[data-server="${upstream.url}"] .status`).innerText(), 'UP');
    await page.screenshot({ path: `${resultsDir}dashboard-router-detail.png`, fullPage: true });
  });

  it('lists services and middlewares', async () => {
    await page.goto(`${junction.url('traefik')}/dashboard/#/http/services`);
    await page.locator('tr[data-service="app@file"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${resultsDir}dashboard-http-services.png`, fullPage: true });
    await page.goto(`${junction.url('traefik')}/dashboard/#/http/middlewares`);
    await page.locator('tr[data-middleware="strip@file"]').waitFor({ timeout: 15_000 });
    await page.screenshot({ path: `${resultsDir}dashboard-http-middlewares.png`, fullPage: true });
  });

  it('shows a router added to the dynamic file without reloading the page', async () => {
    await page.goto(`${junction.url('traefik')}/dashboard/#/http/routers`);
    await page.locator('tr[data-router="shop@file"]').waitFor({ timeout: 15_000 });
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    await junction.writeDynamic(dynamicConfig(upstream.url, '    added:\n      rule: "Host(`added.test`)"\n      service: app\n'));

    const added = page.locator('tr[data-router="added@file"]');
    await added.waitFor({ timeout: 20_000 });
    assert.equal(await added.getAttribute('data-status'), 'enabled');
    assert.equal(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded), true);
  });
});
