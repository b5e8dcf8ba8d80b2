// Browser smoke test: Debian's headless Chromium, driven by playwright-core, against
// the real stack (nginx -> innkeep -> PostgreSQL) that script/test starts.
//
//   INNKEEP_TEST_BASE_URL=http://127.0.0.1:PORT node --test tests/browser/
//
// playwright-core never downloads a browser: it drives /usr/bin/chromium
// (override with INNKEEP_TEST_CHROMIUM).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { BASE, launch } from './chromium.mjs';

let browser;
let context;

before(async () => {
  assert.ok(BASE, 'INNKEEP_TEST_BASE_URL must be set (script/test sets it)');
  browser = await launch();
  context = browser.context;
});

after(async () => {
  if (browser) await browser.close();
});

test('home page: 200, title, security headers', async () => {
  const page = await context.newPage();
  try {
    const resp = await page.goto(`${BASE}/`, { waitUntil: 'load' });
    assert.ok(resp, 'no response for /');
    assert.equal(resp.status(), 200);
    const title = await page.title();
    assert.match(title, /innkeep/i, `title is ${JSON.stringify(title)}`);
    const headers = await resp.allHeaders();
    assert.ok(headers['content-security-policy'], 'no Content-Security-Policy header');
    assert.equal((headers['x-content-type-options'] || '').toLowerCase(), 'nosniff');
    assert.match(headers['content-type'] || '', /^text\/html/);
  } finally {
    await page.close();
  }
});

test('healthz says ok', async () => {
  const page = await context.newPage();
  try {
    const resp = await page.goto(`${BASE}/healthz`);
    assert.equal(resp.status(), 200);
    const text = (await page.textContent('body')) || '';
    assert.match(text, /\bok\b/i);
  } finally {
    await page.close();
  }
});

test('unknown page: a 404 page', async () => {
  const page = await context.newPage();
  try {
    const resp = await page.goto(`${BASE}/no-such-page`);
    assert.equal(resp.status(), 404);
    assert.match(resp.headers()['content-type'] || '', /^text\/html/);
    const text = (await page.textContent('body')) || '';
    assert.ok(text.trim().length > 0, 'the 404 page is empty');
  } finally {
    await page.close();
  }
});

test('the stylesheet loads under the page CSP, with no violation', async () => {
  const page = await context.newPage();
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) violations.push(msg.text());
  });
  try {
    const css = page.waitForResponse((r) => r.url().endsWith('/static/innkeep.css'));
    await page.goto(`${BASE}/`, { waitUntil: 'load' });
    assert.equal((await css).status(), 200);
    // innkeep.css caps the width of the content column (.wrap; the header,
    // hero and footer backgrounds run full width): the rule really applies.
    const maxWidth = await page.evaluate(
      () => getComputedStyle(document.querySelector('main .wrap')).maxWidth);
    assert.notEqual(maxWidth, 'none', 'innkeep.css did not apply');
    // The header link leads home.
    await page.click('header a');
    assert.equal(new URL(page.url()).pathname, '/');
    assert.deepEqual(violations, []);
  } finally {
    await page.close();
  }
});
