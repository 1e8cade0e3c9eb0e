// End-to-end tests of the editor console: the real `answergraph serve` on port 0 over a fresh
// import of the demo KB, driven through Debian's headless Chromium with playwright-core.
//
//   node console/tests/e2e.mjs          (after `cargo build`; `make console-test` does both)
//
// Environment: ANSWERGRAPH_BIN (default target/debug/answergraph), CHROMIUM (default
// /usr/bin/chromium), CONSOLE_SCREENSHOT (a path: save the README screenshot there).
// Every test opens a new tab, so each starts signed out (the key lives in sessionStorage).

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = process.env.ANSWERGRAPH_BIN || join(REPO, 'target/debug/answergraph');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const KEYS = { admin: 'e2e-admin-key', editor: 'e2e-editor-key', reader: 'e2e-reader-key' };
const started = Date.now();
const scratch = mkdtempSync(join(tmpdir(), 'answergraph-console-e2e-'));

/** The binary's environment: the repository's models, our keys, nothing inherited. */
function env() {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ANSWERGRAPH')));
  return {
    ...clean,
    ANSWERGRAPH__MODELS__DIR: join(REPO, 'models'),
    ANSWERGRAPH_KEYS: Object.entries(KEYS).map(([role, key]) => `${role}:${key}`).join(','),
    RUST_LOG: 'warn',
  };
}

// ------------------------------------------------------------------ the server

function importDemo(dataDir) {
  const result = spawnSync(BIN, ['--data-dir', dataDir, 'import', join(REPO, 'kg_data/demo')], { env: env(), encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`import failed (${result.status}):\n${result.stderr}`);
}

/** Starts `serve --bind 127.0.0.1:0`; resolves with its base URL once it prints `ready:`. */
function startServer(dataDir) {
  const child = spawn(BIN, ['--data-dir', dataDir, 'serve', '--bind', '127.0.0.1:0'], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stderr.on('data', (chunk) => { log += chunk; });
  return new Promise((resolvePromise, reject) => {
    let base = null;
    const timer = setTimeout(() => reject(new Error(`the server did not get ready in 60 s; log:\n${log}`)), 60_000);
    child.on('exit', (code) => reject(new Error(`the server exited (${code}); log:\n${log}`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line.startsWith('listening on http://')) base = line.slice('listening on '.length).trim().split(/\s+/)[0];
      if (line.startsWith('ready:') && base) {
        clearTimeout(timer);
        resolvePromise({ base, child, log: () => log });
      }
    });
  });
}

/** SIGTERM, then waits (up to 30 s, then SIGKILL) for the server to flush and exit. */
function stopServer(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    child.kill('SIGTERM');
  });
}

// ------------------------------------------------------------------ helpers

let server;

/** Calls the API directly (to check what the browser did, and what it did not). */
async function api(role, method, path, body) {
  const headers = { Authorization: `Bearer ${KEYS[role]}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(server.base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function kbVersion() {
  return (await api('reader', 'GET', '/v1/schema')).body.kb_version;
}

const enc = encodeURIComponent;

async function signIn(page, role) {
  await page.goto(`${server.base}/console/`);
  await page.getByTestId('key').fill(KEYS[role]);
  await page.getByTestId('key').press('Enter');
  await page.getByTestId('role').waitFor();
}

async function go(page, hash) {
  await page.evaluate((h) => { location.hash = h; }, hash);
}

async function ask(page, question) {
  await page.getByTestId('ask-question').fill(question);
  await page.getByTestId('ask-submit').click();
  await page.getByTestId('answer').waitFor();
  await page.waitForFunction(() => !document.querySelector('[data-testid=ask-submit]').disabled);
}

// ------------------------------------------------------------------ the tests

const tests = [];
const test = (name, fn) => tests.push({ name, fn });

test('the console is served from the binary, with a strict CSP and no key', async ({ page }) => {
  const response = await page.goto(`${server.base}/console`);
  assert.equal(new URL(page.url()).pathname, '/console/');
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe/);
  await page.getByTestId('sign-in').waitFor();
});

test('sign in: a wrong key is refused; the key stays in this tab only', async ({ page }) => {
  await page.goto(`${server.base}/console/`);
  await page.getByTestId('key').fill('not-a-key');
  await page.getByTestId('key').press('Enter');
  await page.locator('#key-error').filter({ hasText: /\S/ }).waitFor();
  assert.equal(await page.getByTestId('key').getAttribute('aria-invalid'), 'true');
  await page.getByTestId('key').fill(KEYS.admin);
  await page.getByTestId('key').press('Enter');
  await page.getByTestId('role').waitFor();
  assert.equal(await page.getByTestId('role').textContent(), 'Admin');
  const nav = await page.locator('nav a').allTextContents();
  assert.deepEqual(nav, ['Ask', 'Search', 'Nodes', 'Graph', 'Import', 'Changes', 'Insights']);
  const storage = await page.evaluate(() => ({ session: Object.values(sessionStorage), local: Object.values(localStorage) }));
  assert.ok(storage.session.includes(KEYS.admin));
  assert.ok(!storage.local.includes(KEYS.admin), 'the key is not in localStorage');
  await page.getByTestId('sign-out').click();
  await page.getByTestId('sign-in').waitFor();
  assert.equal(await page.evaluate(() => sessionStorage.length), 0);
});

test('ask: the answer, confidence, handoff, evidence path, alternatives and timings', async ({ page }) => {
  await signIn(page, 'reader');
  await ask(page, 'is the x200 compatible with the halo satellite?');
  assert.match(await page.getByTestId('answer-name').textContent(), /Halo HS1/);
  assert.match(await page.getByTestId('confidence').textContent(), /\d+(\.\d)?%/);
  assert.match(await page.getByTestId('handoff').textContent(), /No/);
  // The evidence path is drawn: a box per node, an arrow labelled with the relation.
  const chain = page.getByTestId('evidence').locator('svg.chain').first();
  const boxes = await chain.locator('.chain-node').evaluateAll((nodes) => nodes.map((n) => n.dataset.node));
  assert.deepEqual(boxes, ['product/x200', 'product/halo-hs1']);
  assert.equal(await chain.locator('.chain-rel').textContent(), 'compatible_with');
  assert.ok(await page.getByTestId('alternatives').locator('tbody tr').count() >= 1);
  assert.ok(await page.getByTestId('timings').locator('tbody tr').count() >= 6);
  // A box is a link to the node.
  await chain.locator('[data-node="product/halo-hs1"]').click();
  await page.waitForURL(/#\/nodes\/product%2Fhalo-hs1$/);
  await page.getByTestId('node-view').waitFor();
});

test('ask: a follow-up in a session resolves against the earlier question', async ({ page }) => {
  await signIn(page, 'reader');
  await page.getByTestId('session-toggle').check();
  await ask(page, 'tell me about the x300 router');
  await ask(page, 'how much is it?');
  const answer = page.getByTestId('answer');
  assert.match(await answer.textContent(), /price/);
  assert.match(await page.getByTestId('answer-name').textContent(), /X300/);
  assert.match(await page.locator('.turns').textContent(), /tell me about the x300 router/);
});

test('edit a node: errors next to the fields, an atomic save, then found by search', async ({ page }) => {
  const id = 'faq/factory-reset-router';
  const before = await kbVersion();
  await signIn(page, 'editor');
  await go(page, '#/nodes');
  await page.getByTestId('node-q').fill('factory reset');
  await page.getByTestId('node-list').locator(`a[href="#/nodes/${enc(id)}"]`).click();
  await page.getByTestId('node-editor').waitFor();

  // Refused: an empty name and a bad language tag, each reported beside its field.
  const name = await page.getByTestId('field-name').inputValue();
  await page.getByTestId('field-name').fill('');
  await page.getByTestId('field-lang').fill('EN!');
  await page.getByTestId('save').click();
  await page.locator('#node-name-error').filter({ hasText: /\S/ }).waitFor();
  assert.match(await page.locator('#node-lang-error').textContent(), /language tag/);
  assert.equal(await page.getByTestId('field-lang').getAttribute('aria-invalid'), 'true');
  assert.equal(await kbVersion(), before, 'a refused save changes nothing');

  // Fixed, with a new alias, an attribute and an edge: one batch.
  await page.getByTestId('field-name').fill(name);
  await page.getByTestId('field-lang').fill('en');
  const aliases = await page.getByTestId('field-aliases').inputValue();
  await page.getByTestId('field-aliases').fill(`${aliases}\nquokka hard reboot trick`);
  await page.getByTestId('add-attr').click();
  await page.getByTestId('attr-key-0').fill('minutes');
  await page.locator('table.attrs tbody tr').last().locator('select').first().selectOption('number');
  await page.getByTestId('attr-value-0').fill('2');
  await page.getByTestId('edge-dir').selectOption('out');
  await page.getByTestId('edge-rel').selectOption('about');
  await page.getByTestId('edge-other').fill('product/x300');
  await page.getByTestId('edge-add').click();
  await page.getByTestId('check').click();
  await page.getByTestId('editor-status').filter({ hasText: /1 node\(s\) updated, 1 edge\(s\) added/ }).waitFor();
  assert.equal(await kbVersion(), before, 'Check is a dry run');
  await page.getByTestId('save').click();
  await page.getByTestId('editor-status').filter({ hasText: /Saved: KB version/ }).waitFor();
  assert.equal(await kbVersion(), before + 1, 'node and edge changed in one version');
  const stored = (await api('reader', 'GET', `/v1/nodes/${enc(id)}`)).body;
  assert.ok(stored.node.aliases.includes('quokka hard reboot trick'));
  assert.equal(stored.node.attrs.minutes, 2);
  assert.ok(stored.edges.some((e) => e.from === id && e.rel === 'about' && e.to === 'product/x300'));

  // The change is found by search right away (the index is updated before the save returns).
  await go(page, '#/search');
  await page.getByTestId('mode-lexical').check();
  await page.getByTestId('search-query').fill('quokka');
  await page.getByTestId('search-submit').click();
  await page.getByTestId('search-results').locator(`tr[data-node="${id}"]`).waitFor();
  assert.equal(await page.getByTestId('search-results').locator('tbody tr').first().getAttribute('data-node'), id);
});

test('changes: who changed what, with before and after', async ({ page }) => {
  await signIn(page, 'admin');
  await go(page, '#/changes');
  const latest = page.getByTestId('changes').locator('li.change').first();
  await latest.waitFor();
  assert.match(await latest.textContent(), /editor-[0-9a-f]{8}/);
  await latest.locator('summary').click();
  const aliasRow = latest.locator('table.diff tr', { hasText: 'aliases' });
  assert.match(await aliasRow.locator('td.after').textContent(), /quokka hard reboot trick/);
  assert.doesNotMatch(await aliasRow.locator('td.before').textContent(), /quokka/);
});

test('import: a dry run reports the bad line and changes nothing; then apply', async ({ page }) => {
  const before = await kbVersion();
  await signIn(page, 'editor');
  await go(page, '#/import');
  const good = JSON.stringify({ id: 'faq/e2e-import', kind: 'faq', name: 'Can I import from the console?', text: 'Yes.', lang: 'en' });
  const bad = JSON.stringify({ id: 'recipe/pancakes', kind: 'recipe', name: 'Pancakes' });
  const edge = JSON.stringify({ from: 'faq/e2e-import', rel: 'about', to: 'product/x200' });
  await page.getByTestId('import-text').fill([good, bad, edge].join('\n'));
  await page.getByTestId('import-dry-run').click();
  const errors = page.getByTestId('import-errors');
  await errors.waitFor();
  const row = errors.locator('tr[data-line="2"]');
  assert.match(await row.textContent(), /kind.*unknown kind/s);
  assert.equal(await errors.locator('tbody tr').count(), 1, 'only line 2 is wrong');
  assert.ok(await page.getByTestId('import-apply').isDisabled());
  assert.equal(await kbVersion(), before);
  assert.equal((await api('reader', 'GET', '/v1/nodes/faq%2Fe2e-import')).status, 404);

  await page.getByTestId('import-text').fill([good, edge].join('\n'));
  await page.getByTestId('import-dry-run').click();
  await page.getByTestId('import-ok').waitFor();
  const counts = page.getByTestId('import-counts');
  assert.deepEqual(await counts.locator('tr[data-row=nodes] td').allTextContents(), ['1', '0', '0', '0']);
  assert.deepEqual(await counts.locator('tr[data-row=edges] td').allTextContents(), ['1', '0', '0', '0']);
  assert.equal(await kbVersion(), before, 'a clean dry run changes nothing either');
  // Editing after the dry run takes Apply away until the next dry run.
  await page.getByTestId('import-text').press('End');
  await page.getByTestId('import-text').pressSequentially(' ');
  assert.ok(await page.getByTestId('import-apply').isDisabled());
  await page.getByTestId('import-dry-run').click();
  await page.getByTestId('import-ok').waitFor();
  await page.getByTestId('import-apply').click();
  await page.getByTestId('import-applied').waitFor();
  assert.equal(await kbVersion(), before + 1);
  assert.equal((await api('reader', 'GET', '/v1/nodes/faq%2Fe2e-import')).status, 200);

  // A CSV sheet chosen as a file.
  const csv = 'id,question,answer,aliases,lang,about,tags\nfaq/e2e-csv,Does the console read CSV?,It does.,,en,product/x200,\n';
  await page.getByTestId('import-file').setInputFiles({ name: 'faqs.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
  assert.equal(await page.getByTestId('import-format').inputValue(), 'csv');
  await page.getByTestId('import-dry-run').click();
  await page.getByTestId('import-ok').waitFor();
  assert.deepEqual(await counts.locator('tr[data-row=nodes] td').allTextContents(), ['1', '0', '0', '0']);
  assert.equal(await kbVersion(), before + 1);
});

test('role limits: a reader sees no edit controls, and the API refuses edits anyway', async ({ page }) => {
  const before = await kbVersion();
  await signIn(page, 'reader');
  assert.equal(await page.getByTestId('role').textContent(), 'Reader');
  assert.deepEqual(await page.locator('nav a').allTextContents(), ['Ask', 'Search', 'Nodes', 'Graph']);
  await go(page, `#/nodes/${enc('product/x200')}`);
  await page.getByTestId('node-view').waitFor();
  for (const control of ['save', 'check', 'delete', 'new-node', 'node-editor', 'edge-add', 'add-attr']) {
    assert.equal(await page.getByTestId(control).count(), 0, `a reader has no ${control}`);
  }
  assert.equal(await page.locator('.detail input, .detail textarea, .detail select, .detail button').count(), 0);
  for (const hash of ['#/import', '#/changes', '#/insights', '#/nodes/new?kind=faq']) {
    await go(page, hash);
    await page.getByText(/needs the (Editor|Admin) role/).first().waitFor();
  }
  // The same key, used by hand from the page, is refused by the server.
  const refused = await page.evaluate(async () => {
    const key = Object.values(sessionStorage)[0];
    const call = (method, path, body) => fetch(path, {
      method,
      headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    }).then(async (r) => [r.status, (await r.json()).code]);
    return [
      await call('PUT', '/v1/nodes/product%2Fx200', { kind: 'product', name: 'Hacked' }),
      await call('DELETE', '/v1/nodes/product%2Fx200'),
      await call('POST', '/v1/import?dry_run=true', { delete: 'product/x200' }),
    ];
  });
  assert.deepEqual(refused, [[403, 'forbidden'], [403, 'forbidden'], [403, 'forbidden']]);
  assert.equal(await kbVersion(), before);
  assert.equal((await api('reader', 'GET', '/v1/nodes/product%2Fx200')).body.node.name, 'X200 Wi-Fi 6 Router');
});

test('insights: charts, then an FAQ drafted from an unanswered question, saved and deleted', async ({ page }) => {
  const question = 'zxqv blorptang fnord?';
  for (let i = 0; i < 2; i++) {
    const answer = await api('reader', 'POST', '/v1/answer', { question });
    assert.equal(answer.body.answer, null, 'the gibberish stays unanswered');
    await api('reader', 'POST', '/v1/feedback', { query_id: answer.body.query_id, helpful: false, rating: 2 });
  }
  await signIn(page, 'admin');
  await go(page, '#/insights');
  await page.getByTestId('kpis').waitFor();
  assert.ok(await page.getByTestId('charts').locator('svg.chart').count() >= 4);
  assert.match(await page.getByTestId('kpis').textContent(), /Handoff rate/);
  const gap = page.getByTestId('unanswered').locator('tr', { hasText: question });
  await gap.getByTestId('draft-faq').click();
  await page.waitForURL(/#\/nodes\/new\?/);
  await page.getByTestId('node-editor').waitFor();
  assert.equal(await page.getByTestId('field-name').inputValue(), question);
  assert.equal(await page.getByTestId('field-kind').inputValue(), 'faq');
  const id = await page.getByTestId('field-id').inputValue();
  assert.equal(id, 'faq/zxqv-blorptang-fnord');
  await page.getByTestId('field-text').fill('That is not a product of ours; a colleague will help.');
  await page.getByTestId('edge-rel').selectOption('about');
  await page.getByTestId('edge-other').fill('policy/warranty-1y');
  await page.getByTestId('edge-add').click();
  await page.getByTestId('save').click();
  await page.waitForURL(new RegExp(`#/nodes/${enc(id)}$`));
  await page.getByTestId('delete').waitFor();
  assert.equal((await api('reader', 'GET', `/v1/nodes/${enc(id)}`)).status, 200);

  // Delete shows what goes with the node before it asks to confirm.
  await page.getByTestId('delete').click();
  const dialog = page.getByTestId('delete-dialog');
  await dialog.waitFor();
  assert.match(await dialog.textContent(), /1 node and its 1 edges/);
  assert.match(await dialog.locator('.goes').textContent(), /about→ policy\/warranty-1y/);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  assert.equal((await api('reader', 'GET', `/v1/nodes/${enc(id)}`)).status, 200, 'cancel keeps the node');
  await page.getByTestId('delete').click();
  await page.getByTestId('delete-confirm').click();
  await page.waitForURL(/#\/nodes$/);
  assert.equal((await api('reader', 'GET', `/v1/nodes/${enc(id)}`)).status, 404);
});

test('graph: a neighbourhood, expanded on click, filtered by relation', async ({ page }) => {
  await signIn(page, 'reader');
  await go(page, `#/graph/${enc('category/routers')}?hops=1`);
  const graph = page.getByTestId('graph');
  await graph.locator('svg.graph').waitFor();
  const count = () => graph.locator('.gnode').count();
  const first = await count();
  assert.ok(first > 3);
  await graph.locator('.gnode[data-node="product/x200"] circle').click();
  await page.waitForFunction((n) => document.querySelectorAll('.gnode').length > n, first);
  assert.match(await page.getByTestId('graph-panel').textContent(), /X200 Wi-Fi 6 Router/);
  // Only `belongs_to`: the routers category with its products and parent category.
  await page.locator('input[name=rel][value=belongs_to]').check();
  await page.getByTestId('graph-show').click();
  await page.waitForURL(/rel=belongs_to/);
  // The filtered graph replaces the old one asynchronously: wait until only `belongs_to` edges
  // are drawn (a timeout fails the test), then check them.
  await page.waitForFunction(() => {
    const titles = [...document.querySelectorAll('[data-testid=graph] line.edge title')];
    return titles.length > 0 && titles.every((t) => t.textContent.includes('belongs_to'));
  });
  const labels = await graph.locator('line.edge title').allTextContents();
  assert.ok(labels.length > 0 && labels.every((l) => l.includes('belongs_to')), labels.join('\n'));
});

test('language switch: the UI in Chinese, and back', async ({ page }) => {
  await signIn(page, 'admin');
  await page.getByTestId('lang').selectOption('zh');
  await page.getByTestId('nav-ask').filter({ hasText: '提问' }).waitFor();
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
  assert.deepEqual(await page.locator('nav a').allTextContents(), ['提问', '搜索', '节点', '图谱', '导入', '变更', '洞察']);
  await ask(page, '路由器红灯闪烁怎么办');
  assert.match(await page.getByTestId('answer').textContent(), /置信度/);
  await page.getByTestId('lang').selectOption('en');
  await page.getByTestId('nav-ask').filter({ hasText: 'Ask' }).waitFor();
});

test('keyboard: sign in and ask without a mouse', async ({ page }) => {
  await page.goto(`${server.base}/console/`);
  await page.keyboard.type(KEYS.reader);
  await page.keyboard.press('Enter');
  await page.getByTestId('role').waitFor();
  for (let i = 0; i < 30; i++) {
    if (await page.evaluate(() => document.activeElement?.dataset.testid === 'ask-question')) break;
    await page.keyboard.press('Tab');
  }
  assert.equal(await page.evaluate(() => document.activeElement?.dataset.testid), 'ask-question');
  await page.keyboard.type('how do I factory reset my router?');
  await page.keyboard.press('Control+Enter');
  await page.getByTestId('answer').waitFor();
  // Evidence boxes are links a keyboard reaches too.
  assert.ok(await page.getByTestId('evidence').locator('a').count() >= 1);
});

test('a phone-size screen: nothing scrolls sideways, every page reachable', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page, 'admin');
  await ask(page, 'whats the warranty on the z5 earbuds');
  for (const hash of ['#/ask', '#/search', `#/nodes/${enc('product/x200')}`, `#/graph/${enc('product/x200')}`, '#/import', '#/changes', '#/insights']) {
    await go(page, hash);
    await page.waitForTimeout(150);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `${hash} is ${overflow}px wider than the screen`);
  }
  assert.equal(await page.locator('nav a').count(), 7);
});

test('screenshot for the README', async ({ page }) => {
  await signIn(page, 'admin');
  await ask(page, 'whats the warranty on the z5 earbuds');
  const path = process.env.CONSOLE_SCREENSHOT || join(scratch, 'console.png');
  await page.screenshot({ path, fullPage: true });
  console.log(`  screenshot: ${path}`);
});

// ------------------------------------------------------------------ the runner

let browser;
let passed = 0;
let failed = 0;
try {
  const dataDir = join(scratch, 'data');
  importDemo(dataDir);
  server = await startServer(dataDir);
  console.log(`console e2e: server at ${server.base} (${((Date.now() - started) / 1000).toFixed(1)} s to start)`);
  browser = await chromium.launchPersistentContext(join(scratch, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  for (const { name, fn } of tests) {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const problems = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !/status of (4\d\d)/.test(message.text())) problems.push(`console: ${message.text()}`);
    });
    const t0 = Date.now();
    try {
      await fn({ page });
      assert.deepEqual(problems, [], 'the page logged no errors');
      passed += 1;
      console.log(`ok   ${name} (${Date.now() - t0} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`FAIL ${name}\n${String(error.stack || error).replace(/^/gm, '     ')}`);
      const shot = join(scratch, `failed-${passed + failed}.png`);
      await page.screenshot({ path: shot, fullPage: true }).catch(() => {});
      console.log(`     screenshot: ${shot}`);
    } finally {
      await page.close();
    }
  }
} catch (error) {
  failed += 1;
  console.log(`FAIL setup\n${error.stack || error}`);
  if (server) console.log(server.log());
} finally {
  await browser?.close();
  if (server) await stopServer(server.child);
  if (!failed) rmSync(scratch, { recursive: true, force: true });
}
console.log(`console e2e: ${((Date.now() - started) / 1000).toFixed(1)} s`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
