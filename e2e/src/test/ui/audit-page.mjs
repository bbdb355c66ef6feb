// Usage: node audit-page.mjs BASE_URL TOKEN SCREENSHOT_PATH
// Logs in with the token, searches, opens an event and checks its inclusion proof verifies in the browser, verifies
// the chain, and checks that a bad token is refused with a clear message. Exit code 0 = all good.
import { chromium } from 'playwright-core';

const [base, token, screenshot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const fail = async (message) => { console.error('FAIL: ' + message); await browser.close(); process.exit(1); };
try {
  const page = await browser.newPage();
  await page.goto(base + '/ui/');

  await page.fill('#token', 'not-a-token');
  await page.click('#use-token');
  await page.waitForSelector('#login-error:has-text("not valid")', { timeout: 15000 })
    .catch(() => fail('a bad token was not refused clearly'));

  await page.fill('#token', token);
  await page.click('#use-token');
  await page.waitForSelector('#events tbody tr', { timeout: 15000 }).catch(() => fail('no events listed'));
  const rows = await page.locator('#events tbody tr').count();

  await page.fill('input[name=type]', 'auth.login');
  await page.click('#search button[type=submit]');
  await page.waitForFunction(() => [...document.querySelectorAll('#events tbody tr td:nth-child(3)')]
    .every((td) => td.textContent === 'auth.login'), null, { timeout: 15000 }).catch(() => fail('type filter not applied'));

  await page.click('#events tbody tr:first-child');
  await page.waitForSelector('#proof-status[data-state="ok"]', { timeout: 15000 })
    .catch(async () => fail('inclusion proof not verified: ' + await page.textContent('#proof-status')));

  await page.click('#verify');
  await page.waitForSelector('#chain[data-state="ok"]', { timeout: 30000 })
    .catch(async () => fail('chain not verified: ' + await page.textContent('#chain')));

  if (screenshot) await page.screenshot({ path: screenshot, fullPage: true });
  console.log('OK: ' + rows + ' events listed; inclusion proof verified in the browser; ' + await page.textContent('#chain'));
  await browser.close();
} catch (e) {
  await fail(e.message);
}
