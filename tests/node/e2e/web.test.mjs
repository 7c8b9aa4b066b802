// Browser tests of the web app: Debian's chromium (headless, through playwright-core) against
// the real `empathic serve` that the test starts. Each test saves a screenshot in tests/output/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { screenshot, startBrowser, startServer } from './harness.mjs';

let server;
let browser;

before(async () => {
  server = await startServer();
  browser = await startBrowser(server.url);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.stop();
});

describe('web app', () => {
  test('a draft survives a reload, and a saved entry shows its tags and reflection', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/write`);
    const text = 'I finally finished the garden fence today and I feel proud and happy. '
      + 'Still, I am anxious about the exam next week.';
    await page.fill('#entry-title', 'Fence day');
    await page.fill('#entry-body', text);
    await page.waitForTimeout(400);  // the draft is saved a moment after typing

    await page.reload();
    assert.equal(await page.inputValue('#entry-body'), text, 'the draft is still there');
    assert.equal(await page.inputValue('#entry-title'), 'Fence day');

    await page.click('button[type=submit]');
    await page.waitForSelector('.entry[data-tagging="done"] .chips .chip', { timeout: 60000 });
    await page.waitForSelector('.reflection', { timeout: 30000 });
    const chips = await page.locator('.write-result .chip').allTextContents();
    assert.ok(chips.length > 0, 'tags are shown');
    assert.ok(await page.locator('.write-result mark').count() > 0, 'the sentence behind a tag is highlighted');
    assert.equal(await page.inputValue('#entry-body'), '', 'the editor is cleared after saving');
    await screenshot(page, 'e2e-write');

    await page.reload();
    assert.equal(await page.inputValue('#entry-body'), '', 'a saved draft is not restored again');
    await page.close();
  });

  test('the playground redraws bars as labels change, and keeps labels as a set', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/playground`);
    await page.waitForSelector('.bar-row');
    const before = await page.locator('.bar-row').evaluateAll((rows) => rows.map((r) => r.dataset.label));
    assert.ok(before.includes('anxious'));

    await page.fill('#pg-new-label', 'worried');
    await page.press('#pg-new-label', 'Enter');
    await page.waitForSelector('.bar-row[data-label="worried"]');

    await page.locator('.label-editor li').first().locator('button').click();  // remove the first label
    await page.waitForFunction(() => !document.querySelector('.bar-row[data-label="joyful"]'));

    const score = async () => Number(await page.locator('.bar-row[data-label="worried"]').getAttribute('data-score'));
    await page.fill('#pg-text', 'Nothing special happened.');
    await page.waitForFunction(() => document.querySelector('.bars').getAttribute('aria-busy') === 'false');
    await page.waitForTimeout(600);
    const calm = await score();
    await page.fill('#pg-text', 'I am so worried and nervous, I could not sleep at all.');
    await page.waitForFunction((old) => {
      const row = document.querySelector('.bar-row[data-label="worried"]');
      return row && Number(row.dataset.score) !== old;
    }, calm, { timeout: 10000 });

    // A template without {} is refused with a visible, human message.
    await page.fill('#pg-template', 'The writer feels.');
    await page.waitForSelector('.bars .error');
    assert.match(await page.locator('.bars .error').textContent(), /\{\}/);
    await page.fill('#pg-template', 'The writer feels {}.');
    await page.waitForSelector('.bar-row');

    await page.fill('#pg-set-name', 'playground set');
    await page.click('text=Save labels as a label set');
    await page.waitForSelector('.save-set .ok');
    const sets = await server.api('GET', '/api/label-sets');
    assert.ok(sets.label_sets.some((s) => s.name === 'playground set'));
    await screenshot(page, 'e2e-playground');
    await page.close();
  });

  test('the journal searches and filters entries, and opens one', async () => {
    const entries = [
      { body: 'A quiet walk by the river; calm and grateful.', tags: ['walks'], created: '2024-05-02T08:00:00+00:00' },
      { body: 'Deadline chaos at work, frustrated and exhausted.', tags: ['work'], created: '2024-05-03T19:00:00+00:00' },
      { body: 'Another river walk at dawn, hopeful.', tags: ['walks'], created: '2024-06-10T07:00:00+00:00' },
    ];
    for (const entry of entries) await server.api('POST', '/api/entries', entry);

    const page = await browser.newPage();
    await page.goto(`${server.url}#/journal`);
    await page.waitForSelector('.entry-item');
    await page.fill('#search-q', 'river');
    await page.waitForFunction(() => document.querySelectorAll('.entry-item').length === 2);
    assert.match(await page.locator('.result-count').textContent(), /2 entries/);

    await page.selectOption('#filter-tag', 'walks');
    await page.fill('#filter-from', '2024-06-01');
    await page.dispatchEvent('#filter-from', 'change');
    await page.waitForFunction(() => document.querySelectorAll('.entry-item').length === 1);
    assert.match(await page.locator('.entry-item').textContent(), /dawn/);
    await screenshot(page, 'e2e-journal');

    await page.click('.entry-item a');
    await page.waitForSelector('.view-entry .entry');
    assert.match(await page.locator('.view-entry .entry-body').textContent(), /river walk at dawn/);
    await screenshot(page, 'e2e-entry');

    // Edit the entry: an empty text is refused with a visible message; a new one is saved.
    await page.click('.entry-actions >> text=Edit');
    await page.fill('#edit-body', '   ');
    await page.click('text=Save changes');
    await page.waitForSelector('.view-entry .error');
    await page.fill('#edit-body', 'Another river walk at dawn, hopeful and calm.');
    await page.click('text=Save changes');
    await page.waitForFunction(() => /hopeful and calm/.test(document.querySelector('.view-entry .entry-body')?.textContent));
    await page.close();
  });

  test('insights draws charts from the journal’s data', async () => {
    const today = new Date();
    for (let i = 0; i < 6; i += 1) {
      const day = new Date(today.getTime() - i * 86400000).toISOString().slice(0, 10);
      const body = i % 2 ? 'Anxious and tired after work, a hard day.' : 'Happy and grateful, a joyful walk with friends.';
      await server.api('POST', '/api/entries', { body, created: `${day}T12:00:00` });
    }
    await waitForTagging();

    const page = await browser.newPage();
    await page.goto(`${server.url}#/insights?range=month`);
    // The mood line (the series' own stroke colour), frequency bars and calendar days.
    await page.waitForFunction(() => document.querySelector('#chart-mood svg path[stroke="#2f6b66"]'));
    await page.waitForFunction(() => document.querySelectorAll('#chart-frequency svg path').length > 3);
    await page.waitForFunction(() => document.querySelectorAll('#chart-calendar svg path').length > 20);
    assert.match(await page.locator('.insights-summary').textContent(), /entries in this range/);
    const from = new Date(Date.now() - 30 * 86400000).toISOString().slice(0, 10);
    const stats = await server.api('GET', `/api/analytics?period=day&from=${from}`);
    const tagged = Object.entries(stats.totals.counts).filter(([, n]) => n > 0).map(([label]) => label);
    const axis = await page.locator('#chart-frequency svg text').allTextContents();
    assert.ok(tagged.length > 0 && tagged.every((label) => axis.includes(label)),
      `the frequency chart names every tagged feeling (${tagged} in ${axis})`);
    for (const range of ['week', 'quarter', 'year', 'all']) {
      await page.click(`button[data-range="${range}"]`);
      await page.waitForSelector(`button[data-range="${range}"][aria-pressed="true"]`);
    }
    await page.click('button[data-range="month"]');
    await page.waitForTimeout(800);
    await screenshot(page, 'e2e-insights');
    await page.close();
  });

  test('label sets can be created, edited and activated, with errors shown', async () => {
    const page = await browser.newPage();
    await page.goto(`${server.url}#/label-sets`);
    await page.waitForSelector('.set-card.active');
    await page.click('text=New label set');
    await page.fill('#set-name', 'evening');
    await page.locator('.label-table input').first().fill('restful');
    await page.click('text=Create label set');
    await page.waitForSelector('.set-card[data-set="evening"]');

    await page.click('.set-card[data-set="evening"] >> text=Edit');
    await page.fill('#set-template', 'no placeholder');
    await page.click('text=Save changes');
    await page.waitForSelector('.set-editor .error');
    await page.fill('#set-template', 'Tonight I feel {}.');
    await page.click('text=Save changes');
    await page.waitForSelector('.set-editor', { state: 'detached' });

    await page.click('.set-card[data-set="evening"] >> text=Make active');
    await page.waitForSelector('.set-card.active[data-set="evening"]');
    await screenshot(page, 'e2e-label-sets');
    await page.click('.set-card[data-set="feelings"] >> text=Make active');
    await page.waitForSelector('.set-card.active[data-set="feelings"]');
    await page.close();
  });

  test('every view works at phone width, and nothing was fetched from elsewhere', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    for (const view of ['write', 'journal', 'insights', 'playground', 'label-sets']) {
      await page.goto(`${server.url}#/${view}`);
      await page.waitForTimeout(700);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 1, `${view} fits a phone screen (overflow ${overflow}px)`);
      await screenshot(page, `e2e-phone-${view}`);
    }
    await page.close();
    assert.deepEqual(browser.foreign, [], 'no request left the test server');
    assert.deepEqual(browser.pageErrors, [], 'no script errors');
  });
});

async function waitForTagging() {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    const status = await server.api('GET', '/api/status');
    if (status.tagging.pending === 0 && !status.tagging.busy) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('tagging did not finish');
}
