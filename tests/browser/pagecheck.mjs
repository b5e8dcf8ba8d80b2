/*
 * What every browser suite does to a page: open it with problem collection,
 * navigate and submit, check it with axe-core in light and dark at phone
 * and desktop widths (plus overflow, one h1, screenshots), and check that
 * every POST form carries the CSRF token.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { BASE, artifactsDir } from './chromium.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

export const PHONE = { width: 375, height: 812 };
export const SMALL_PHONE = { width: 320, height: 640 };
export const DESKTOP = { width: 1280, height: 800 };

// A page of the shared context (its cookies: the session) at a viewport;
// collects CSP complaints and failed subresources.
export async function newPage(context, viewport = DESKTOP, colorScheme = 'light') {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (/Content Security Policy/i.test(msg.text())) problems.push(msg.text());
  });
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
  page.on('response', (r) => {
    if (r.request().resourceType() !== 'document' && r.status() >= 400) {
      problems.push(`${r.status()} for ${r.url()}`);
    }
  });
  await page.setViewportSize(viewport);
  await page.emulateMedia({ colorScheme });
  return { page, problems };
}

export async function go(page, path) {
  const resp = await page.goto(`${BASE}${path}`, { waitUntil: 'load' });
  assert.ok(resp, `no response for ${path}`);
  return resp;
}

// Clicks a submit button or link and waits for the page it leads to (after
// any redirect); returns that page's response.
export async function submit(page, button) {
  const [resp] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    button.click(),
  ]);
  assert.ok(resp, 'the click led to no response');
  return resp;
}

export function pathOf(page) {
  const u = new URL(page.url());
  return u.pathname + u.search;
}

export function describe(violations) {
  return violations.map((v) => {
    const nodes = v.nodes.slice(0, 5).map((n) => `      ${n.target.join(' ')}: ${n.failureSummary || ''}`.replace(/\n/g, ' '));
    return `  ${v.id} (${v.impact}): ${v.help}\n${nodes.join('\n')}`;
  }).join('\n');
}

// Lets the buttons' colour transitions finish (a colour scheme switched on
// a live page, a hover left by the click that submitted the form): axe-core
// would measure the colours half-way.
export async function settle(page) {
  await page.mouse.move(0, 0);
  await page.evaluate(() => Promise.all(
    document.getAnimations().map((a) => a.finished.catch(() => null)),
  ));
}

export async function axe(page) {
  await settle(page);
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

// The page as it is now (no reload: a POST answer stays what it was):
// axe-core in light and dark at desktop and phone width, no sideways
// overflow at phone widths, one h1, then screenshots named NAME-*.png in
// the artifacts folder (NAME carries the suite's prefix: "accounts-login").
export async function checkPage(page, name) {
  const where = pathOf(page);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const [label, viewport] of [['desktop', DESKTOP], ['phone', PHONE]]) {
      await page.setViewportSize(viewport);
      const violations = await axe(page);
      assert.equal(violations.length, 0,
        `axe-core violations on ${name} (${where}, ${scheme}, ${label}):\n${describe(violations)}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  for (const viewport of [SMALL_PHONE, PHONE]) {
    await page.setViewportSize(viewport);
    const { scrollWidth, innerWidth } = await page.evaluate(() => ({
      scrollWidth: document.documentElement.scrollWidth,
      innerWidth: window.innerWidth,
    }));
    assert.ok(scrollWidth <= innerWidth,
      `${name} at ${viewport.width} px overflows sideways: scrollWidth ${scrollWidth} > ${innerWidth}`);
  }
  assert.equal(await page.locator('h1').count(), 1, `${name}: one h1 per page`);
  for (const [label, viewport, scheme] of [
    ['phone', PHONE, 'light'], ['desktop', DESKTOP, 'light'],
    ['phone-dark', PHONE, 'dark'], ['desktop-dark', DESKTOP, 'dark'],
  ]) {
    await page.setViewportSize(viewport);
    await page.emulateMedia({ colorScheme: scheme });
    await settle(page);
    const file = join(artifactsDir(), `${name}-${label}.png`);
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
    console.log(`screenshot: ${file}`);
  }
  await page.setViewportSize(DESKTOP);
  await page.emulateMedia({ colorScheme: 'light' });
}

// Every form that posts carries the session's CSRF token.
export async function assertCsrfEverywhere(page) {
  const forms = await page.$$eval('form[method="post"]', (fs) => fs.map((f) => ({
    action: f.getAttribute('action'),
    token: f.querySelector('input[type="hidden"][name="csrf_token"]')?.value || '',
  })));
  assert.ok(forms.length > 0, 'no POST form on the page');
  for (const f of forms) {
    assert.ok(f.token.length >= 16, `the form to ${f.action} has no CSRF token`);
  }
}
