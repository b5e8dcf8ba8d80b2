// Listings in a real browser: a fresh host lists a place through the form
// (a bad price first), finds it from the search form (by city, by dates and
// a price ceiling, page by page), opens it, looks at its calendar, edits
// the price, and deletes it; a visitor sees no owner tools, another user
// gets 403 on the edit page and sees the total for searched dates.
// axe-core on every page (light and dark, desktop and phone), screenshots
// for a person to look at.
//
//   INNKEEP_TEST_BASE_URL=http://127.0.0.1:PORT \
//   INNKEEP_TEST_ARTIFACTS=/some/dir node --test tests/browser/properties.test.mjs
//
// Every run signs up fresh random users and uses a city name of its own, so
// it needs no fixtures and can run against a database that already holds
// listings.  axe-core goes in with page.evaluate(source), which the page's
// CSP does not govern (see pages.test.mjs).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { BASE, launch } from './chromium.mjs';
import {
  DESKTOP, PHONE, SMALL_PHONE, assertCsrfEverywhere, axe, checkPage as checkPageAs,
  describe, go, newPage as newPageIn, pathOf, settle, submit,
} from './pagecheck.mjs';


const SUFFIX = randomBytes(5).toString('hex');
function newUser(prefix) {
  const tag = `${prefix}_${randomBytes(4).toString('hex')}`;
  return {
    username: tag,
    email: `${tag}@example.org`,
    displayName: `Host ${tag}`,
    password: `correct horse ${tag}`,
  };
}
const HOST = newUser('ph');
const GUEST = newUser('pg');

// The listing this run creates; the city is this run's own.
const CITY = `Kestrel Bay ${SUFFIX}`;
const PLACE = {
  name: `Loft over the harbour ${SUFFIX}`,
  description: `Two rooms under the roof, a view of the boats.\nQuiet street (${SUFFIX}).`,
  address: '7 Quay Lane',
  city: CITY,
  country: 'Portugal',
  currency: 'eur',
  maxGuests: '4',
};

// Dates in UTC, days from today.
function day(n) {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}
const CHECK_IN = day(30);
const CHECK_OUT = day(33);	// 3 nights

let browser;
let context;
let propertyPath;	// /properties/{id}

before(async () => {
  assert.ok(BASE, 'INNKEEP_TEST_BASE_URL must be set (script/test sets it)');
  browser = await launch();
  context = browser.context;
});

after(async () => {
  if (browser) await browser.close();
});

// ------------------------------------------------------------------ helpers

// The suite's pages: in the shared context, screenshots named properties-NAME-*.png.
const newPage = (viewport, colorScheme) => newPageIn(context, viewport, colorScheme);
const checkPage = (page, name) => checkPageAs(page, `properties-${name}`);

// The control labelled `label` (exactly one), in `scope` (default: main).
async function field(page, label, scope = page.locator('main')) {
  const input = scope.getByLabel(label, { exact: true });
  assert.equal(await input.count(), 1, `one field labelled ${label}`);
  return input;
}

async function signUp(page, user) {
  await go(page, '/signup');
  await (await field(page, 'Username')).fill(user.username);
  await (await field(page, 'E-mail address')).fill(user.email);
  await (await field(page, 'Display name (optional)')).fill(user.displayName);
  await (await field(page, 'Password')).fill(user.password);
  const resp = await submit(page, page.getByRole('button', { name: 'Create account' }));
  assert.equal(resp.status(), 200);
  assert.equal(pathOf(page), '/me');
}

async function logIn(page, user) {
  await go(page, '/login');
  await (await field(page, 'Username or e-mail address')).fill(user.username);
  await (await field(page, 'Password')).fill(user.password);
  const resp = await submit(page, page.getByRole('button', { name: 'Log in' }));
  assert.equal(resp.status(), 200);
}

async function logOut(page) {
  const resp = await submit(page, page.locator('header').getByRole('button', { name: 'Log out' }));
  assert.equal(resp.status(), 200);
}

// Fills the listing form (the fields given).
async function fillListing(page, values) {
  const labels = {
    name: 'Name',
    description: 'Description (optional)',
    address: 'Address',
    city: 'City',
    country: 'Country',
    price: 'Price per night',
    currency: 'Currency (optional)',
    maxGuests: 'Maximum guests',
  };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'policy') {
      await (await field(page, 'Cancellation policy')).selectOption(value);
    } else {
      await (await field(page, labels[key])).fill(value);
    }
  }
}

// The search form of the search page (not the header's).
function searchForm(page) {
  return page.locator('main form[action="/properties"][method="get"]');
}

async function search(page, values) {
  const form = searchForm(page);
  const labels = {
    q: 'Keywords', city: 'City', country: 'Country', checkIn: 'Check-in',
    checkOut: 'Check-out', minPrice: 'Min. price per night',
    maxPrice: 'Max. price per night', guests: 'Guests',
  };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'sort') await (await field(page, 'Sort by', form)).selectOption(value);
    else await (await field(page, labels[key], form)).fill(value);
  }
  return submit(page, form.getByRole('button', { name: 'Search', exact: true }));
}

// The names on the result cards.
async function resultNames(page) {
  return page.locator('main .results .result__title').allInnerTexts();
}

// ------------------------------------------------------------------ the journey

test('a host lists a place, finds it, edits it; visitors and other users', async (t) => {
  await context.clearCookies();
  const { page, problems } = await newPage();
  try {
    await t.test('sign up a host; the header offers Search and List your place', async () => {
      await signUp(page, HOST);
      const header = page.locator('header');
      assert.equal(await header.locator('a[href="/properties"]', { hasText: 'Search' }).count(), 1);
      assert.ok(await header.getByRole('link', { name: 'List your place' }).isVisible());
    });

    await t.test('the new-listing form: labelled fields, POST /properties, axe-clean', async () => {
      const resp = await submit(page, page.locator('header').getByRole('link', { name: 'List your place' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/properties/new');
      assert.match(await page.title(), /^List your place · innkeep$/);
      const form = page.locator('main form[action="/properties"][method="post"]');
      assert.equal(await form.count(), 1);
      assert.notEqual(await form.getAttribute('novalidate'), null, 'novalidate: the server gives the messages');
      assert.equal(await form.locator('input[name="_method"]').count(), 0, 'no _method on a new listing');
      for (const [label, name, tag, type] of [
        ['Name', 'name', 'input', 'text'],
        ['Description (optional)', 'description', 'textarea', null],
        ['Address', 'address', 'input', 'text'],
        ['City', 'city', 'input', 'text'],
        ['Country', 'country', 'input', 'text'],
        ['Price per night', 'price_per_night', 'input', 'text'],
        ['Currency (optional)', 'currency', 'input', 'text'],
        ['Maximum guests', 'max_guests', 'input', 'number'],
        ['Cancellation policy', 'cancellation_policy', 'select', null],
      ]) {
        const input = await field(page, label);
        assert.equal(await input.getAttribute('name'), name);
        assert.equal(await input.evaluate((e) => e.tagName.toLowerCase()), tag, `${label} is a ${tag}`);
        if (type) assert.equal(await input.getAttribute('type'), type, `${label} is type ${type}`);
        assert.equal(await input.getAttribute('aria-invalid'), null);
      }
      assert.equal(await (await field(page, 'Price per night')).getAttribute('inputmode'), 'decimal');
      assert.equal(await (await field(page, 'Currency (optional)')).getAttribute('maxlength'), '3');
      const guests = await field(page, 'Maximum guests');
      assert.equal(await guests.getAttribute('min'), '1');
      assert.equal(await guests.getAttribute('max'), '100');
      const policies = await (await field(page, 'Cancellation policy')).locator('option').evaluateAll(
        (os) => os.map((o) => o.value));
      assert.deepEqual(policies.slice().sort(), ['flexible', 'moderate', 'strict']);
      // Listing status is for an existing listing only; no delete form yet.
      assert.equal(await page.locator('main select[name="is_listed"]').count(), 0);
      assert.equal(await page.locator('main input[name="_method"][value="DELETE"]').count(), 0);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'form-new');
    });

    await t.test('a bad price: 422, the message beside it, the other values kept', async () => {
      await fillListing(page, { ...PLACE, price: '12,50', policy: 'strict' });
      const resp = await submit(page, page.getByRole('button', { name: 'Create listing' }));
      assert.equal(resp.status(), 422);
      assert.match(await page.locator('main [role="alert"]').innerText(), /correct the fields/i);
      const price = await field(page, 'Price per night');
      assert.equal(await price.getAttribute('aria-invalid'), 'true');
      assert.match(await price.getAttribute('aria-describedby'), /\bpf-price-per-night-error\b/);
      assert.match(await page.locator('#pf-price-per-night-error').innerText(), /must be an amount like 120\.00/);
      assert.equal(await price.inputValue(), '12,50');
      // Everything else as entered, and not marked.
      assert.equal(await (await field(page, 'Name')).inputValue(), PLACE.name);
      assert.equal(await (await field(page, 'Description (optional)')).inputValue(), PLACE.description);
      assert.equal(await (await field(page, 'Address')).inputValue(), PLACE.address);
      assert.equal(await (await field(page, 'City')).inputValue(), CITY);
      assert.equal(await (await field(page, 'Country')).inputValue(), PLACE.country);
      assert.equal(await (await field(page, 'Maximum guests')).inputValue(), PLACE.maxGuests);
      assert.equal(await (await field(page, 'Cancellation policy')).inputValue(), 'strict');
      assert.equal(await (await field(page, 'City')).getAttribute('aria-invalid'), null);
      assert.equal(await page.locator('main .form-field__error').count(), 1, 'one message: the price');
      await assertCsrfEverywhere(page);
      await checkPage(page, 'form-new-errors');
    });

    await t.test('a good price: 303 to the new listing, which shows what was entered', async () => {
      await (await field(page, 'Price per night')).fill('85.50');
      const resp = await submit(page, page.getByRole('button', { name: 'Create listing' }));
      assert.equal(resp.status(), 200);
      const path = pathOf(page);
      assert.match(path, /^\/properties\/\d+$/);
      propertyPath = path;
      assert.equal(await page.locator('h1').innerText(), PLACE.name);
      assert.match(await page.title(), new RegExp(`^${PLACE.name} · innkeep$`));
      const main = page.locator('main');
      const text = await main.innerText();
      assert.ok(text.includes(`${CITY}, Portugal`), 'city and country');
      assert.ok(text.includes(PLACE.address), 'the address');
      assert.ok(text.includes(`Quiet street (${SUFFIX}).`), 'the description');
      assert.ok(text.includes('85.50 EUR'), 'the price, with the currency upper-cased');
      assert.match(text, /Strict/, 'the cancellation policy');
      assert.match(text, /No reviews yet/);
      // The host links to the host's profile.
      assert.equal(await main.locator(`a[href="/users/${HOST.username}"]`).first().innerText(), HOST.displayName);
    });

    await t.test('the owner sees Edit and Delete, no booking form; 3 months of calendar', async () => {
      const main = page.locator('main');
      assert.equal(await main.locator(`a[href="${propertyPath}/edit"]`).count(), 1, 'an edit link');
      const del = main.locator(`form[action="${propertyPath}"][method="post"]`);
      assert.equal(await del.count(), 1, 'a delete form');
      assert.equal(await del.locator('input[name="_method"]').inputValue(), 'DELETE');
      assert.equal(await main.locator(`form[action="${propertyPath}/bookings"]`).count(), 0, 'no booking form');
      // The calendar: three month tables, Monday first, each day's state in text.
      const months = main.locator('table.cal');
      assert.equal(await months.count(), 3);
      const first = months.first();
      const now = new Date();
      const monthName = now.toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' });
      assert.equal((await first.locator('caption').innerText()).trim(), `${monthName} ${now.getUTCFullYear()}`);
      assert.equal(await first.locator('thead th').count(), 7);
      assert.match(await first.locator('thead th').first().innerText(), /^Mo/);
      const free = main.locator('td[data-state="free"]');
      assert.ok(await free.count() > 28, 'free days in the next three months');
      assert.match(await free.first().innerText(), /\d{1,2} [A-Z][a-z]+ \d{4}: free/);
      assert.equal(await main.locator('td[data-state="booked"]').count(), 0);
      // Links to the whole calendar and the feed.
      assert.equal(await main.locator(`a[href="${propertyPath}/calendar"]`).count(), 1);
      assert.equal(await main.getByRole('link', { name: 'Subscribe (iCal)' }).getAttribute('href'),
        `${propertyPath}/calendar.ics`);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'detail-owner');
    });

    await t.test('the full calendar: 12 months, a link back, the iCal feed', async () => {
      const resp = await submit(page, page.locator('main').getByRole('link', { name: /full calendar/i }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), `${propertyPath}/calendar`);
      assert.equal(await page.locator('main table.cal').count(), 12);
      assert.match(await page.locator('h1').innerText(), /Availability/);
      assert.ok((await page.locator('h1').innerText()).includes(PLACE.name));
      assert.equal(await page.locator(`main a[href="${propertyPath}"]`).count(), 1, 'a link back');
      const ics = page.locator('main').getByRole('link', { name: 'Subscribe (iCal)' });
      assert.equal(await ics.getAttribute('href'), `${propertyPath}/calendar.ics`);
      const feed = await fetch(`${BASE}${propertyPath}/calendar.ics`);
      assert.equal(feed.status, 200);
      assert.match(feed.headers.get('content-type') || '', /^text\/calendar/);
      assert.match(await feed.text(), /^BEGIN:VCALENDAR\r\n/);
      await checkPage(page, 'calendar');
    });

    await t.test('a second listing in the same city, through the JSON API', async () => {
      // Cheaper, for the price filters and the pages of results.
      await go(page, propertyPath);
      const token = await page.locator('input[name="csrf_token"]').first().inputValue();
      const resp = await page.request.post(`${BASE}/properties`, {
        headers: { Accept: 'application/json', 'X-CSRF-Token': token },
        data: {
          name: `Cabin in the dunes ${SUFFIX}`, address: '1 Dune Road', city: CITY,
          country: 'Portugal', price_per_night: '40.00', currency: 'EUR', max_guests: 2,
        },
      });
      assert.equal(resp.status(), 201, await resp.text());
    });

    await t.test('search by city from the search page finds both', async () => {
      await go(page, '/');
      const resp = await submit(page, page.locator('header').getByRole('link', { name: 'Search', exact: true }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), '/properties');
      assert.match(await page.title(), / · innkeep$/);
      // Every filter labelled, GET to /properties.
      const form = searchForm(page);
      assert.equal(await form.count(), 1);
      for (const [label, name, type] of [
        ['Keywords', 'q', 'search'], ['City', 'city', 'text'], ['Country', 'country', 'text'],
        ['Check-in', 'check_in', 'date'], ['Check-out', 'check_out', 'date'],
        ['Guests', 'guests', 'number'], ['Min. price per night', 'min_price', 'text'],
        ['Max. price per night', 'max_price', 'text'],
      ]) {
        const input = await field(page, label, form);
        assert.equal(await input.getAttribute('name'), name);
        assert.equal(await input.getAttribute('type'), type);
      }
      const sorts = await (await field(page, 'Sort by', form)).locator('option').evaluateAll(
        (os) => os.map((o) => o.value));
      for (const s of ['newest', 'price_asc', 'price_desc', 'rating']) assert.ok(sorts.includes(s), `sort ${s}`);

      const found = await search(page, { city: CITY.toUpperCase() });
      assert.equal(found.status(), 200);
      assert.match(pathOf(page), /^\/properties\?.*city=KESTREL/);
      const names = await resultNames(page);
      assert.deepEqual(names.slice().sort(), [`Cabin in the dunes ${SUFFIX}`, PLACE.name].sort());
      // The card: name linking to the listing, place, price, rating, guests.
      const card = page.locator('main .result', { hasText: PLACE.name });
      assert.equal(await card.getByRole('link', { name: PLACE.name }).getAttribute('href'), propertyPath);
      const cardText = await card.innerText();
      assert.ok(cardText.includes(`${CITY}, Portugal`));
      assert.match(cardText, /85\.50 EUR\s+per night/);
      assert.match(cardText, /No reviews yet/);
      assert.match(cardText, /guests: 4/);
      // The form keeps what was searched.
      assert.equal(await (await field(page, 'City', searchForm(page))).inputValue(), CITY.toUpperCase());
      await checkPage(page, 'search');
    });

    await t.test('search by dates and a price ceiling; a short page goes on with Next page', async () => {
      let resp = await search(page, {
        city: CITY, checkIn: CHECK_IN, checkOut: CHECK_OUT, maxPrice: '100', guests: '3',
      });
      assert.equal(resp.status(), 200);
      const url = new URL(page.url());
      assert.equal(url.searchParams.get('check_in'), CHECK_IN);
      assert.equal(url.searchParams.get('max_price'), '100');
      assert.deepEqual(await resultNames(page), [PLACE.name], 'free, under 100, room for 3');
      // The result links with the searched dates.
      const href = await page.locator('main .result__link').first().getAttribute('href');
      const link = new URL(href, BASE);
      assert.equal(link.pathname, propertyPath);
      assert.equal(link.searchParams.get('check_in'), CHECK_IN);
      assert.equal(link.searchParams.get('check_out'), CHECK_OUT);

      resp = await search(page, { maxPrice: '80' });
      assert.equal(resp.status(), 200);
      assert.deepEqual(await resultNames(page), []);
      assert.match(await page.locator('main').innerText(), /No places match your search\./);
      await checkPage(page, 'search-empty');

      // One a page, cheapest first: the cabin, then Next page to the loft.
      await go(page, `/properties?city=${encodeURIComponent(CITY)}&sort=price_asc&limit=1`);
      assert.deepEqual(await resultNames(page), [`Cabin in the dunes ${SUFFIX}`]);
      const next = page.locator('main').getByRole('link', { name: 'Next page' });
      assert.equal(await next.count(), 1);
      resp = await submit(page, next);
      assert.equal(resp.status(), 200);
      assert.match(pathOf(page), /cursor=/);
      assert.deepEqual(await resultNames(page), [PLACE.name]);
    });

    await t.test('a bad filter: 400, its message above the form, no results', async () => {
      const resp = await go(page, `/properties?city=${encodeURIComponent(CITY)}&min_price=lots`);
      assert.equal(resp.status(), 400);
      const alert = page.locator('main [role="alert"]');
      assert.equal(await alert.count(), 1);
      assert.match(await alert.innerText(), /min_price must be an amount like 120\.00/i);
      assert.equal(await searchForm(page).count(), 1, 'the form is still there');
      assert.deepEqual(await resultNames(page), []);
      await checkPage(page, 'search-400');
    });

    await t.test('open the listing from the results', async () => {
      await go(page, '/properties');
      await search(page, { city: CITY, sort: 'price_desc' });
      const resp = await submit(page, page.locator('main .result__link', { hasText: PLACE.name }));
      assert.equal(resp.status(), 200);
      assert.equal(new URL(page.url()).pathname, propertyPath);
      assert.equal(await page.locator('h1').innerText(), PLACE.name);
    });

    await t.test('edit: the form is filled; PATCH through _method; axe-clean', async () => {
      const resp = await submit(page, page.locator('main').getByRole('link', { name: /^Edit/ }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), `${propertyPath}/edit`);
      const form = page.locator(`main form[action="${propertyPath}"][method="post"]`, { has: page.locator('input[name="_method"][value="PATCH"]') });
      assert.equal(await form.count(), 1, 'the edit form PATCHes the listing');
      assert.equal(await (await field(page, 'Name')).inputValue(), PLACE.name);
      assert.equal(await (await field(page, 'Description (optional)')).inputValue(), PLACE.description);
      assert.equal(await (await field(page, 'City')).inputValue(), CITY);
      assert.equal(await (await field(page, 'Price per night')).inputValue(), '85.50');
      assert.equal(await (await field(page, 'Currency (optional)')).inputValue(), 'EUR');
      assert.equal(await (await field(page, 'Maximum guests')).inputValue(), '4');
      assert.equal(await (await field(page, 'Cancellation policy')).inputValue(), 'strict');
      const listed = await field(page, 'Listing status');
      assert.equal(await listed.inputValue(), 'true');
      // A separate delete form.
      const del = page.locator('main form', { has: page.locator('input[name="_method"][value="DELETE"]') });
      assert.equal(await del.count(), 1);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'form-edit');
    });

    await t.test('edit with a bad price: 422, the message beside it, the rest kept', async () => {
      await (await field(page, 'Price per night')).fill('-3');
      await (await field(page, 'Name')).fill(`${PLACE.name} (renamed)`);
      const resp = await submit(page, page.getByRole('button', { name: 'Save changes' }));
      assert.equal(resp.status(), 422);
      const price = await field(page, 'Price per night');
      assert.equal(await price.getAttribute('aria-invalid'), 'true');
      assert.match(await price.getAttribute('aria-describedby'), /\bpf-price-per-night-error\b/);
      assert.match(await page.locator('#pf-price-per-night-error').innerText(), /must be/);
      assert.equal(await price.inputValue(), '-3');
      assert.equal(await (await field(page, 'Name')).inputValue(), `${PLACE.name} (renamed)`);
      assert.equal(await (await field(page, 'City')).inputValue(), CITY);
      assert.equal(await page.locator('main input[name="_method"][value="PATCH"]').count(), 1);
      await checkPage(page, 'form-edit-errors');
    });

    await t.test('edit the price: 303 to the listing, the new price shows', async () => {
      await (await field(page, 'Price per night')).fill('92');
      await (await field(page, 'Name')).fill(PLACE.name);
      const resp = await submit(page, page.getByRole('button', { name: 'Save changes' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), propertyPath);
      const text = await page.locator('main').innerText();
      assert.ok(text.includes('92.00 EUR'), 'the new price');
      assert.ok(!text.includes('85.50'), 'not the old one');
      // And in the search results.
      await go(page, `/properties?city=${encodeURIComponent(CITY)}&min_price=90`);
      assert.deepEqual(await resultNames(page), [PLACE.name]);
      assert.match(await page.locator('main .result').innerText(), /92\.00 EUR/);
    });

    await t.test('logged out: the listing has no owner tools; /edit asks to log in', async () => {
      await logOut(page);
      let resp = await go(page, propertyPath);
      assert.equal(resp.status(), 200);
      const main = page.locator('main');
      assert.equal(await main.locator(`a[href="${propertyPath}/edit"]`).count(), 0, 'no edit link');
      assert.equal(await main.locator('input[name="_method"][value="DELETE"]').count(), 0, 'no delete form');
      assert.equal(await main.getByRole('link', { name: /^Edit/ }).count(), 0);
      assert.ok(await page.locator('header').getByRole('link', { name: 'Search', exact: true }).isVisible());
      resp = await go(page, `${propertyPath}/edit`);
      assert.equal(new URL(page.url()).pathname, '/login');
      assert.equal(await page.locator('input[type="hidden"][name="next"]').inputValue(), `${propertyPath}/edit`);
    });

    await t.test('another user: 403 on /edit; the searched dates show a total and a booking form', async () => {
      await signUp(page, GUEST);
      let resp = await go(page, `${propertyPath}/edit`);
      assert.equal(resp.status(), 403);
      assert.equal(await page.locator('main .error-page').count(), 1, 'the error page');
      assert.equal(await page.locator('main form[method="post"] input[name="_method"]').count(), 0);

      resp = await go(page, `${propertyPath}?check_in=${CHECK_IN}&check_out=${CHECK_OUT}&guests=2`);
      assert.equal(resp.status(), 200);
      const main = page.locator('main');
      assert.equal(await main.locator(`a[href="${propertyPath}/edit"]`).count(), 0);
      // The check form, filled from the address.
      const check = main.locator(`form[action="${propertyPath}"][method="get"]`);
      assert.equal(await check.count(), 1, 'the Check availability form');
      assert.equal(await (await field(page, 'Check-in', check)).inputValue(), CHECK_IN);
      assert.equal(await (await field(page, 'Check-out', check)).inputValue(), CHECK_OUT);
      assert.equal(await (await field(page, 'Guests', check)).inputValue(), '2');
      // Three nights at 92.00: free, 276.00 EUR, and the form that books them.
      const result = main.locator('[role="status"]');
      assert.equal(await result.count(), 1);
      const said = await result.innerText();
      assert.match(said, /Available/);
      assert.match(said, /276\.00 EUR/);
      assert.match(said, /\b3\b/);
      const book = main.locator(`form[action="${propertyPath}/bookings"][method="post"]`);
      assert.equal(await book.count(), 1, 'the booking form');
      assert.equal(await book.locator('input[name="start_date"]').inputValue(), CHECK_IN);
      assert.equal(await book.locator('input[name="end_date"]').inputValue(), CHECK_OUT);
      assert.equal(await book.locator('input[name="guests"]').inputValue(), '2');
      assert.equal(await book.getByRole('button', { name: 'Request to book' }).count(), 1);
      await assertCsrfEverywhere(page);
      await checkPage(page, 'detail-guest');

      // Check other dates from the form.
      await (await field(page, 'Check-out', check)).fill(day(35));
      resp = await submit(page, check.getByRole('button', { name: 'Check availability' }));
      assert.equal(resp.status(), 200);
      const url = new URL(page.url());
      assert.equal(url.pathname, propertyPath);
      assert.equal(url.searchParams.get('check_out'), day(35));
      assert.match(await main.locator('[role="status"]').innerText(), /460\.00 EUR/);
    });

    await t.test('the host deletes the listing: gone from its page and the search', async () => {
      await logOut(page);
      await logIn(page, HOST);
      await go(page, propertyPath);
      const resp = await submit(page, page.locator('main').getByRole('button', { name: 'Delete listing' }));
      assert.equal(resp.status(), 200);
      assert.equal(pathOf(page), `/users/${HOST.username}`);
      assert.equal((await go(page, propertyPath)).status(), 404);
      await go(page, `/properties?city=${encodeURIComponent(CITY)}`);
      assert.deepEqual(await resultNames(page), [`Cabin in the dunes ${SUFFIX}`]);
    });

    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
