// Accounts in a real browser: sign up through the form, log out and in,
// edit the profile, create and revoke an API token; the failing forms
// (a bad sign-up, a wrong password); axe-core on every account page, light
// and dark, desktop and phone; screenshots for a person to look at.
//
//   INNKEEP_TEST_BASE_URL=http://127.0.0.1:PORT \
//   INNKEEP_TEST_ARTIFACTS=/some/dir node --test tests/browser/accounts.test.mjs
//
// Every run signs up a fresh random user, so it needs no fixtures and can run
// against a database that already holds users.  axe-core goes in with
// page.evaluate(source), which the page's CSP does not govern (see
// pages.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch } from './chromium.mjs';
import {
  DESKTOP, PHONE, SMALL_PHONE, assertCsrfEverywhere, axe, checkPage as checkPageAs,
  describe, go, newPage as newPageIn, pathOf, settle, submit,
} from './pagecheck.mjs';


// The user this run creates.
const SUFFIX = randomBytes(5).toString('hex');
const USER = {
  username: `br_${SUFFIX}`,
  email: `br_${SUFFIX}@example.org`,
  displayName: `Browser Tester ${SUFFIX}`,
  password: `correct horse ${SUFFIX}`,
};

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

// ------------------------------------------------------------------ helpers

// The suite's pages: in the shared context, screenshots named accounts-NAME-*.png.
const newPage = (viewport, colorScheme) => newPageIn(context, viewport, colorScheme);
const checkPage = (page, name) => checkPageAs(page, `accounts-${name}`);

async function assertLoggedIn(page, name) {
  const nav = page.locator('header nav[aria-label="Account"]');
  assert.ok(await nav.getByRole('link', { name }).isVisible(),
    `the header does not show ${name}`);
  assert.ok(await nav.getByRole('button', { name: 'Log out' }).isVisible(),
    'no logout button in the header');
  assert.equal(await nav.getByRole('link', { name: 'Log in' }).count(), 0);
}

async function assertLoggedOut(page) {
  const nav = page.locator('header nav[aria-label="Account"]');
  assert.ok(await nav.getByRole('link', { name: 'Log in' }).isVisible(), 'no "Log in" link');
  assert.equal(await page.locator('form[action="/logout"]').count(), 0);
}

// The input labelled `label`, with its accessible description (hint and
// error, through aria-describedby).
async function field(page, label) {
  const input = page.getByLabel(label, { exact: true });
  assert.equal(await input.count(), 1, `one field labelled ${label}`);
  return input;
}

// ------------------------------------------------------------------ logged out

test('sign-up page: labelled fields, autocomplete, CSRF, link to log in, axe-clean', async () => {
  await context.clearCookies();
  const { page, problems } = await newPage();
  try {
    const resp = await go(page, '/signup');
    assert.equal(resp.status(), 200);
    assert.match(await page.title(), /^Sign up · innkeep$/);
    const form = page.locator('main form[action="/signup"]');
    assert.equal(await form.getAttribute('method'), 'post');
    for (const [label, name, type, autocomplete] of [
      ['Username', 'username', 'text', 'username'],
      ['E-mail address', 'email', 'email', 'email'],
      ['Display name (optional)', 'display_name', 'text', 'nickname'],
      ['Password', 'password', 'password', 'new-password'],
    ]) {
      const input = await field(page, label);
      assert.equal(await input.getAttribute('name'), name);
      assert.equal(await input.getAttribute('type'), type);
      assert.equal(await input.getAttribute('autocomplete'), autocomplete);
      assert.equal(await input.getAttribute('aria-invalid'), null, `${label} is not invalid yet`);
    }
    assert.equal(await page.locator('[role="alert"]').count(), 0);
    await assertCsrfEverywhere(page);
    assert.equal(await page.locator('main a[href="/login"]').count(), 1);
    await checkPage(page, 'signup');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a bad sign-up shows each message beside its field and keeps the username', async () => {
  await context.clearCookies();
  const { page } = await newPage();
  try {
    await go(page, '/signup');
    await (await field(page, 'Username')).fill(USER.username);
    await (await field(page, 'E-mail address')).fill('not-an-address');
    await (await field(page, 'Password')).fill('short');
    const resp = await submit(page, page.getByRole('button', { name: 'Create account' }));
    assert.equal(resp.status(), 422);
    assert.equal(pathOf(page), '/signup');
    // The summary, then each message beside its field, tied to it.
    assert.match(await page.locator('main [role="alert"]').innerText(), /correct the fields/i);
    const email = await field(page, 'E-mail address');
    const password = await field(page, 'Password');
    const username = await field(page, 'Username');
    assert.equal(await email.getAttribute('aria-invalid'), 'true');
    assert.equal(await password.getAttribute('aria-invalid'), 'true');
    assert.equal(await username.getAttribute('aria-invalid'), null);
    assert.match(await page.locator('#signup-email-error').innerText(), /is not a valid e-mail address/);
    assert.match(await page.locator('#signup-password-error').innerText(), /must be at least 10 characters/);
    assert.match(await email.getAttribute('aria-describedby'), /\bsignup-email-error\b/);
    assert.match(await password.getAttribute('aria-describedby'), /\bsignup-password-error\b/);
    // What was entered comes back, but never a password.
    assert.equal(await username.inputValue(), USER.username);
    assert.equal(await email.inputValue(), 'not-an-address');
    assert.equal(await password.inputValue(), '');
    assert.equal(await page.locator('#signup-username-error').count(), 0);
    await assertCsrfEverywhere(page);
    await checkPage(page, 'signup-errors');
  } finally {
    await page.close();
  }
});

test('log-in page: labelled fields, autocomplete, link to sign up, axe-clean', async () => {
  await context.clearCookies();
  const { page, problems } = await newPage();
  try {
    const resp = await go(page, '/login');
    assert.equal(resp.status(), 200);
    assert.match(await page.title(), /^Log in · innkeep$/);
    const login = await field(page, 'Username or e-mail address');
    assert.equal(await login.getAttribute('name'), 'login');
    assert.equal(await login.getAttribute('autocomplete'), 'username');
    const password = await field(page, 'Password');
    assert.equal(await password.getAttribute('type'), 'password');
    assert.equal(await password.getAttribute('autocomplete'), 'current-password');
    // No next asked for: no next field.
    assert.equal(await page.locator('input[name="next"]').count(), 0);
    assert.equal(await page.locator('main a[href="/signup"]').count(), 1);
    await assertCsrfEverywhere(page);
    await checkPage(page, 'login');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

// ------------------------------------------------------------------ the journey

test('sign up, log out, log in, edit the profile, create and revoke a token', async (t) => {
  await context.clearCookies();
  const { page, problems } = await newPage();
  let token;
  try {
    await t.test('sign up in the form: logged in, on /me', async () => {
      await go(page, '/signup');
      await (await field(page, 'Username')).fill(USER.username);
      await (await field(page, 'E-mail address')).fill(USER.email);
      await (await field(page, 'Display name (optional)')).fill(USER.displayName);
      await (await field(page, 'Password')).fill(USER.password);
      const resp = await submit(page, page.getByRole('button', { name: 'Create account' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/me');
      await assertLoggedIn(page, USER.displayName);
    });

    await t.test('log out from the header', async () => {
      const resp = await submit(page, page.locator('header').getByRole('button', { name: 'Log out' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/');
      await assertLoggedOut(page);
      // /me now asks to log in, and keeps where it was going.
      await go(page, '/me');
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('input[type="hidden"][name="next"]').inputValue(), '/me');
    });

    await t.test('a wrong password: 401, "invalid login" in an alert, login kept', async () => {
      await (await field(page, 'Username or e-mail address')).fill(USER.username);
      await (await field(page, 'Password')).fill(`${USER.password}-wrong`);
      const resp = await submit(page, page.getByRole('button', { name: 'Log in' }));
      assert.equal(resp.status(), 401);
      const alert = page.locator('main [role="alert"]');
      assert.equal(await alert.count(), 1);
      assert.match(await alert.innerText(), /invalid login/i);
      assert.equal(await (await field(page, 'Username or e-mail address')).inputValue(), USER.username);
      assert.equal(await (await field(page, 'Password')).inputValue(), '');
      // The next the form had survives the failure.
      assert.equal(await page.locator('input[type="hidden"][name="next"]').inputValue(), '/me');
      await assertLoggedOut(page);
      await checkPage(page, 'login-failed');
    });

    await t.test('log in with the username: back on /me', async () => {
      await (await field(page, 'Username or e-mail address')).fill(USER.username);
      await (await field(page, 'Password')).fill(USER.password);
      const resp = await submit(page, page.getByRole('button', { name: 'Log in' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/me');
      await assertLoggedIn(page, USER.displayName);
    });

    await t.test('/me: own profile, forms, links, axe-clean', async () => {
      assert.match(await page.title(), /^Your profile · innkeep$/);
      assert.equal(await page.locator('h1').innerText(), 'Your profile');
      const main = page.locator('main');
      assert.match(await main.innerText(), new RegExp(`@${USER.username}`));
      assert.match(await main.innerText(), /Member since \d{1,2} [A-Z][a-z]+ \d{4}/);
      assert.equal(await (await field(page, 'Display name')).inputValue(), USER.displayName);
      assert.equal(await (await field(page, 'E-mail address')).inputValue(), USER.email);
      assert.equal(await (await field(page, 'E-mail address')).getAttribute('autocomplete'), 'email');
      assert.equal(await (await field(page, 'Current password')).getAttribute('autocomplete'), 'current-password');
      assert.equal(await (await field(page, 'New password')).getAttribute('autocomplete'), 'new-password');
      // Both forms are PATCH /me through _method.
      const forms = main.locator('form[action="/me"][method="post"]');
      assert.equal(await forms.count(), 2);
      for (let i = 0; i < 2; i++) {
        assert.equal(await forms.nth(i).locator('input[name="_method"]').inputValue(), 'PATCH');
      }
      assert.equal(await main.locator(`a[href="/users/${USER.username}"]`).count(), 1);
      assert.equal(await main.locator('a[href="/me/tokens"]').count(), 1);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'me');
    });

    await t.test('edit the display name and the bio', async () => {
      const name = `Edited ${SUFFIX}`;
      const bio = `Likes trains and quiet flats.\nLives by the sea (${SUFFIX}).`;
      await (await field(page, 'Display name')).fill(name);
      await (await field(page, 'About you')).fill(bio);
      const resp = await submit(page, page.getByRole('button', { name: 'Save changes' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/me');
      assert.equal(await (await field(page, 'Display name')).inputValue(), name);
      assert.equal(await (await field(page, 'About you')).inputValue(), bio);
      await assertLoggedIn(page, name);
      USER.displayName = name;
      USER.bio = bio;
    });

    await t.test('a bad e-mail on /me: 422, the message beside it, the rest kept', async () => {
      await (await field(page, 'E-mail address')).fill('no spaces@example.org');
      const resp = await submit(page, page.getByRole('button', { name: 'Save changes' }));
      assert.equal(resp.status(), 422);
      const email = await field(page, 'E-mail address');
      assert.equal(await email.getAttribute('aria-invalid'), 'true');
      assert.equal(await email.inputValue(), 'no spaces@example.org');
      assert.match(await page.locator('#me-email-error').innerText(), /is not a valid e-mail address/);
      assert.equal(await (await field(page, 'Display name')).inputValue(), USER.displayName);
      await checkPage(page, 'me-errors');
      await go(page, '/me');
      assert.equal(await (await field(page, 'E-mail address')).inputValue(), USER.email);
    });

    await t.test('the public profile shows the change', async () => {
      await submit(page, page.getByRole('link', { name: 'View your public profile' }));
      assert.equal(pathOf(page), `/users/${USER.username}`);
      assert.equal(await page.locator('h1').innerText(), USER.displayName);
      const main = page.locator('main');
      const text = await main.innerText();
      assert.match(text, new RegExp(`@${USER.username}`));
      assert.match(text, /Member since \d{1,2} [A-Z][a-z]+ \d{4}/);
      assert.ok(text.includes(`Lives by the sea (${SUFFIX}).`), 'the bio is on the profile');
      assert.equal(await main.getByRole('heading', { name: 'Listings' }).count(), 1);
      assert.equal(await main.getByRole('heading', { name: 'Reviews written' }).count(), 1);
      assert.match(text, /No places listed yet\./);
      assert.match(text, /No reviews written yet\./);
      assert.ok(!text.includes(USER.email), 'the public profile hides the e-mail address');
      await checkPage(page, 'user');
    });

    await t.test('the public profile, logged out', async () => {
      // A cookie-less look through a plain request.
      const resp = await fetch(`${BASE}/users/${USER.username}`, { headers: { Accept: 'text/html' } });
      assert.equal(resp.status, 200);
      const html = await resp.text();
      assert.ok(html.includes(`@<span>${USER.username}</span>`), 'the username is on the page');
      assert.ok(html.includes('href="/login"'), 'logged out, the header offers to log in');
    });

    await t.test('create an API token: shown once', async () => {
      await go(page, '/me');
      await submit(page, page.getByRole('link', { name: 'API tokens' }));
      assert.equal(pathOf(page), '/me/tokens');
      assert.match(await page.title(), /^API tokens · innkeep$/);
      assert.match(await page.locator('main').innerText(), /You have no API tokens\./);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'tokens-empty');

      // An empty name: the message beside the field.
      const empty = await submit(page, page.getByRole('button', { name: 'Create token' }));
      assert.equal(empty.status(), 422);
      assert.equal(await (await field(page, 'Name')).getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#token-name-error').innerText(), /must be 1 to 100 characters/);

      await (await field(page, 'Name')).fill(`backup script ${SUFFIX}`);
      const resp = await submit(page, page.getByRole('button', { name: 'Create token' }));
      assert.equal(resp.status(), 200);
      const box = page.locator('.token-created');
      assert.equal(await box.count(), 1, 'the new token box is shown');
      assert.match(await box.innerText(), /copy it now: it will not be shown again/);
      token = (await box.locator('code').innerText()).trim();
      assert.match(token, /^ik_[A-Za-z0-9_-]{43}$/);
      // The create field starts empty again; the list has the token.
      assert.equal(await (await field(page, 'Name')).inputValue(), '');
      const item = page.locator('.token-list > li');
      assert.equal(await item.count(), 1);
      assert.match(await item.innerText(), new RegExp(`backup script ${SUFFIX}`));
      assert.match(await item.innerText(), /Last used:?\s*never/i);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'tokens-created');

      // The token works for the API.
      const api = await fetch(`${BASE}/me`, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      });
      assert.equal(api.status, 200);
      assert.equal((await api.json()).username, USER.username);

      // Never again: not on the list page.
      await go(page, '/me/tokens');
      assert.equal(await page.locator('.token-created').count(), 0);
      assert.ok(!(await page.content()).includes(token), 'the token value is shown again');
      assert.equal(await page.locator('.token-list > li').count(), 1);
    });

    await t.test('revoke the token', async () => {
      const item = page.locator('.token-list > li').first();
      const form = item.locator('form');
      assert.match(await form.getAttribute('action'), /^\/me\/tokens\/\d+$/);
      assert.equal(await form.locator('input[name="_method"]').inputValue(), 'DELETE');
      const resp = await submit(page, item.getByRole('button', { name: /^Revoke/ }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/me/tokens');
      assert.equal(await page.locator('.token-list > li').count(), 0);
      assert.match(await page.locator('main').innerText(), /You have no API tokens\./);
      const api = await fetch(`${BASE}/me`, {
        headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
      });
      assert.equal(api.status, 401);
    });

    await t.test('change the password: a wrong current one is refused, then it works', async () => {
      await go(page, '/me');
      const next = `${USER.password} again`;
      await (await field(page, 'Current password')).fill(`${USER.password}-wrong`);
      await (await field(page, 'New password')).fill(next);
      const bad = await submit(page, page.getByRole('button', { name: 'Change password' }));
      assert.equal(bad.status(), 422);
      const current = await field(page, 'Current password');
      assert.equal(await current.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('#me-current-password-error').innerText(), /is not correct/);
      assert.equal(await current.inputValue(), '');
      // The profile form still shows the stored values.
      assert.equal(await (await field(page, 'Display name')).inputValue(), USER.displayName);
      assert.equal(await (await field(page, 'E-mail address')).inputValue(), USER.email);
      await checkPage(page, 'me-password-errors');

      await (await field(page, 'Current password')).fill(USER.password);
      await (await field(page, 'New password')).fill(next);
      const ok = await submit(page, page.getByRole('button', { name: 'Change password' }));
      assert.equal(ok.status(), 200);
      assert.equal(pathOf(page), '/me');
      await assertLoggedIn(page, USER.displayName);
      USER.password = next;
    });

    await t.test('log in with the e-mail address too', async () => {
      await submit(page, page.locator('header').getByRole('button', { name: 'Log out' }));
      await go(page, '/login');
      await (await field(page, 'Username or e-mail address')).fill(USER.email.toUpperCase());
      await (await field(page, 'Password')).fill(USER.password);
      const resp = await submit(page, page.getByRole('button', { name: 'Log in' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/');
      await assertLoggedIn(page, USER.displayName);
    });

    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
