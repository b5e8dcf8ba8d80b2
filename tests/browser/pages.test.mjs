// The site shell in a real browser: accessibility (axe-core), layout at phone
// and desktop widths, and full-page screenshots for a person to look at.
//
//   INNKEEP_TEST_BASE_URL=http://127.0.0.1:PORT \
//   INNKEEP_TEST_ARTIFACTS=/some/dir node --test tests/browser/
//
// Screenshots go to $INNKEEP_TEST_ARTIFACTS (else a fresh temporary folder);
// their paths are printed.  axe-core is put into the page with
// page.evaluate(source): that runs through the DevTools protocol, which the
// page's CSP (default-src 'none', no script at all) does not govern, so the
// pages are checked exactly as they are served, CSP on.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BASE, artifactsDir, launch } from './chromium.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];


const PHONE = { width: 375, height: 812 };
const SMALL_PHONE = { width: 320, height: 640 };
const DESKTOP = { width: 1280, height: 800 };

// The HTML pages that exist whatever the database holds.
const PAGES = [
  { name: 'home', path: '/', status: 200 },
  { name: 'not-found', path: '/no-such-page', status: 404 },
];

let browser;
let context;
let artifacts;

before(async () => {
  assert.ok(BASE, 'INNKEEP_TEST_BASE_URL must be set (script/test sets it)');
  artifacts = artifactsDir();
  browser = await launch();
  context = browser.context;
});

after(async () => {
  if (browser) await browser.close();
});

// Opens path at viewport size; collects CSP complaints and failed requests.
async function open(path, viewport, colorScheme = 'light') {
  const page = await context.newPage();
  const problems = [];
  const url = `${BASE}${path}`;
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.url() !== url && r.status() >= 400) problems.push(`${r.status()} for ${r.url()}`);
  });
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme });
  const resp = await page.goto(url, { waitUntil: 'load' });
  assert.ok(resp, `no response for ${path}`);
  return { page, resp, problems };
}

function describe(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ${n.failureSummary || ''}`.replace(/\n/g, ' '));
    return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
  }).join('\n');
}

async function axe(page) {
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
    }));
  }, AXE_TAGS);
}

for (const { name, path, status } of PAGES) {
  for (const scheme of ['light', 'dark']) {
    test(`${name} (${scheme}): no axe-core violations (${AXE_TAGS.join(', ')})`, async () => {
      const { page, resp } = await open(path, DESKTOP, scheme);
      try {
        assert.equal(resp.status(), status);
        const violations = await axe(page);
        assert.equal(violations.length, 0, `axe-core violations on ${path}:\n${describe(violations)}`);
        // The same at phone width, where the layout differs.
        await page.setViewportSize(PHONE);
        const phone = await axe(page);
        assert.equal(phone.length, 0, `axe-core violations on ${path} at phone width:\n${describe(phone)}`);
      } finally {
        await page.close();
      }
    });
  }

  test(`${name}: fits a phone, search visible, no CSP or load errors`, async () => {
    for (const viewport of [SMALL_PHONE, PHONE]) {
      const { page, resp, problems } = await open(path, viewport);
      try {
        assert.equal(resp.status(), status);
        const { scrollWidth, innerWidth } = await page.evaluate(() => ({
          scrollWidth: document.documentElement.scrollWidth,
          innerWidth: window.innerWidth,
        }));
        assert.ok(scrollWidth <= innerWidth,
          `${path} at ${viewport.width} px overflows sideways: scrollWidth ${scrollWidth} > ${innerWidth}`);
        assert.ok(await page.locator('header input[name="q"]').isVisible(),
          `the header search box is not visible at ${viewport.width} px`);
        assert.ok(await page.getByRole('link', { name: 'Log in' }).first().isVisible());
        assert.deepEqual(problems, []);
      } finally {
        await page.close();
      }
    }
  });

  test(`${name}: landmarks, skip link and logged-out header`, async () => {
    const { page } = await open(path, DESKTOP);
    try {
      assert.equal(await page.locator('html').getAttribute('lang'), 'en');
      assert.match(await page.title(), / · innkeep$/);
      assert.equal(await page.locator('header').count(), 1);
      assert.equal(await page.locator('main#main').count(), 1);
      assert.equal(await page.locator('footer').count(), 1);
      assert.equal(await page.locator('h1').count(), 1, 'one h1 per page');
      // The search form: GET /properties with q, and a label.
      const form = page.locator('header form[role="search"]');
      assert.equal(await form.getAttribute('method'), 'get');
      assert.equal(await form.getAttribute('action'), '/properties');
      assert.ok(await page.getByLabel(/search destinations/i).isVisible());
      // Logged out: log in and sign up, no logout form.
      assert.equal(await page.locator('header a[href="/login"]').count(), 1);
      assert.equal(await page.locator('header a[href="/signup"]').count(), 1);
      assert.equal(await page.locator('form[action="/logout"]').count(), 0);
      // The skip link is the first thing a keyboard reaches, and it shows.
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => document.activeElement?.getAttribute('href'));
      assert.equal(focused, '#main');
      assert.ok(await page.locator('.skip-link').isVisible());
      // Every link stays on the site and goes to a route the contract defines.
      const hrefs = await page.$$eval('a[href]', (as) => as.map((a) => a.getAttribute('href')));
      const known = /^(#main|\/|\/properties|\/properties\/new|\/properties\/\d+|\/login|\/signup|\/me|\/bookings|\/notifications)$/;
      for (const href of hrefs) assert.match(href, known, `unexpected link ${href}`);
    } finally {
      await page.close();
    }
  });

  test(`${name}: screenshots at phone and desktop width`, async () => {
    for (const [label, viewport, scheme] of [
      ['phone', PHONE, 'light'], ['desktop', DESKTOP, 'light'],
      ['phone-dark', PHONE, 'dark'], ['desktop-dark', DESKTOP, 'dark'],
    ]) {
      const { page } = await open(path, viewport, scheme);
      try {
        const file = join(artifacts, `${name}-${label}.png`);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        console.log(`screenshot: ${file}`);
      } finally {
        await page.close();
      }
    }
  });
}

test('home: the search form sends q, dates and guests to /properties', async () => {
  const { page } = await open('/', DESKTOP);
  try {
    const form = page.locator('main form[role="search"]');
    assert.equal(await form.getAttribute('action'), '/properties');
    assert.equal(await form.getAttribute('method'), 'get');
    for (const [label, field, type] of [
      ['Where', 'q', 'search'], ['Check-in', 'check_in', 'date'],
      ['Check-out', 'check_out', 'date'], ['Guests', 'guests', 'number'],
    ]) {
      const input = page.getByLabel(label, { exact: true });
      assert.equal(await input.getAttribute('name'), field);
      assert.equal(await input.getAttribute('type'), type);
    }
    assert.equal(await page.getByLabel('Guests', { exact: true }).getAttribute('min'), '1');
    // No featured listings in the home view yet: the section stays out.
    assert.equal(await page.locator('.featured').count(), 0);
  } finally {
    await page.close();
  }
});
