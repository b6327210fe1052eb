// End-to-end run of the dashboard in Debian's chromium against a running local stack.
// Started by tests/e2e/dashboard/test_dashboard_e2e.py, which starts the stack and prepares
// a ticket waiting for approval. Env: QT_URL, QT_ADMIN_KEY, QT_APPROVAL_TICKET, QT_ARTIFACTS.
// Prints one line per step; exits non-zero on the first failure.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'

const url = process.env.QT_URL
const key = process.env.QT_ADMIN_KEY
const approvalId = process.env.QT_APPROVAL_TICKET
const artifacts = process.env.QT_ARTIFACTS ?? 'test-artifacts/dashboard'
if (!url || !key || !approvalId) throw new Error('QT_URL, QT_ADMIN_KEY and QT_APPROVAL_TICKET are required')
mkdirSync(artifacts, { recursive: true })

const TIMEOUT = 15000
const step = (name) => console.log(`step: ${name}`)

async function callApi(method, path, body) {
  const res = await fetch(url + path, {
    method,
    headers: { 'X-API-Key': key, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = await res.json()
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${JSON.stringify(json)}`)
  return json
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
})
const errors = []
try {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } })
  const page = await context.newPage()
  page.setDefaultTimeout(TIMEOUT)
  page.on('pageerror', (e) => errors.push(String(e)))
  const shot = (name) => page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true })

  step('sign in')
  await page.goto(url + '/')
  await page.getByTestId('api-key').waitFor()
  await page.getByTestId('api-key').fill('not-a-valid-key-at-all')
  await page.getByTestId('sign-in').click()
  await page.getByTestId('signin-error').waitFor()
  await shot('01-signin-refused')
  await page.getByTestId('api-key').fill(key)
  await page.getByTestId('sign-in').click()
  await page.getByTestId('ticket-table').waitFor()
  await page.locator('[data-testid=connection][data-status=online]').waitFor()
  const who = await page.getByTestId('identity').innerText()
  if (!who.includes('admin')) throw new Error(`identity shown as ${who}`)

  step('new ticket: the API field errors show beside the fields')
  await page.getByRole('link', { name: 'New ticket' }).click()
  await page.getByTestId('album').fill('OK Computer')
  await page.getByTestId('track-name-0').fill('Airbag')
  await page.getByTestId('track-dest-0').fill('/etc/passwd')
  await page.getByTestId('create').click()
  const destError = page.locator('[data-field="tracks[0].dest_path"]')
  await destError.filter({ hasText: /./ }).waitFor()
  await page.locator('[data-field="search.artist"]').filter({ hasText: /./ }).waitFor()
  await shot('02-new-ticket-errors')

  step('new ticket: dry-run preview, then create')
  await page.getByTestId('artist').fill('Radiohead')
  await page.getByTestId('track-dest-0').fill('/media/albums/okc/01.ogg')
  await page.getByTestId('dry-run').click()
  await page.getByText('Dry-run ticket').waitFor()
  await shot('03-new-ticket-dry-run')
  await page.getByTestId('create').click()
  await page.getByTestId('ticket-detail').waitFor()
  const ticketId = page.url().split('/tickets/')[1]
  if (!ticketId) throw new Error(`no ticket id in ${page.url()}`)
  await page.getByTestId('detail-state').waitFor()
  await page.getByTestId('flow').waitFor()
  await shot('04-ticket-detail')

  step('tickets table: the new ticket changes state live, without a reload')
  await page.getByRole('link', { name: 'Tickets' }).click()
  const row = page.locator(`tr[data-ticket="${ticketId}"]`)
  await row.waitFor()
  await page.evaluate(() => { window.__noReload = true })
  await shot('05-tickets-table')
  await callApi('DELETE', `/api/v1/ticket/${ticketId}?reason=e2e`)
  await row.locator('[data-state=cancelled]').waitFor()
  if (!(await page.evaluate(() => window.__noReload === true))) throw new Error('the page reloaded')

  step('kanban board')
  const second = await callApi('POST', '/api/v1/ticket', {
    priority: 300, search: { artist: 'Portishead', album: 'Dummy' },
    tracks: [{ catalog_track_id: 'd1', track_number: 1, name: 'Mysterons', dest_path: '/media/albums/dummy/01.ogg' }],
  })
  await page.getByTestId('mode-board').click()
  await page.locator(`[data-ticket="${second.ticket_id}"]`).waitFor()
  await page.locator(`[data-column=needs_approval] [data-ticket="${approvalId}"]`).waitFor()
  await shot('06-kanban')
  await page.getByTestId('mode-table').click()

  step('approval queue: compare candidates, approve the second one')
  await page.getByRole('link', { name: 'Approvals' }).click()
  const card = page.locator(`[data-approval="${approvalId}"]`)
  await card.waitFor()
  const candidates = card.getByTestId('candidate')
  if ((await candidates.count()) < 2) throw new Error('expected at least two candidates side by side')
  await candidates.nth(1).getByTestId('choose-candidate').click()
  await shot('07-approval-queue')
  await card.getByTestId('approve').click()
  await card.getByTestId('confirm-yes').click()
  await card.waitFor({ state: 'detached' })
  const approved = await callApi('GET', `/api/v1/ticket/${approvalId}`)
  // The flow carries on from Approved (to Downloading...): look for the approval in the history.
  const approval = approved.history.find((h) => h.to_state === 'approved')
  if (!approval) throw new Error(`no approval in the history: ${JSON.stringify(approved.history)}`)
  if (approval.reason !== 'approved candidate 1') throw new Error(`approved ${approval.reason}`)

  step('ticket detail: a refused action shows the API message')
  await page.goto(`${url}/#/tickets/${ticketId}`)
  await page.locator('[data-testid=detail-state][data-state=cancelled]').waitFor()
  await page.getByTestId('retry').click()
  await page.getByTestId('confirm-yes').click()
  await page.getByTestId('action-error').waitFor()
  await shot('08-action-refused')

  step('audit log: filter by ticket and event type')
  await page.getByRole('link', { name: 'Audit log' }).click()
  await page.getByTestId('audit-table').waitFor()
  await page.getByTestId('audit-ticket').fill(ticketId)
  await page.getByTestId('audit-type').selectOption('TicketCancelled')
  await page.getByTestId('audit-apply').click()
  await page.waitForFunction(() => {
    const rows = [...document.querySelectorAll('tr[data-event-type]')]
    return rows.length > 0 && rows.every((r) => r.dataset.eventType === 'TicketCancelled')
  })
  const types = await page.locator('tr[data-event-type]').evaluateAll((rows) => rows.map((r) => r.dataset.eventType))
  if (types.length !== 1 || types[0] !== 'TicketCancelled') throw new Error(`audit rows: ${types}`)
  await shot('09-audit-filtered')

  step('search test and system views')
  await page.getByRole('link', { name: 'Search test' }).click()
  await page.getByTestId('search-query').fill('Björk - Homogenic')
  await page.getByTestId('search-run').click()
  await page.locator('[data-testid=candidate]').first().waitFor()
  const found = await page.locator('[data-testid=candidate]').count()
  if (found < 2) throw new Error(`search test showed ${found} candidates`)
  await shot('10-search-test')
  await page.getByRole('link', { name: 'System' }).click()
  await page.getByTestId('config').getByText('resource_prefix').waitFor()
  await page.locator('[data-stat=cancelled]').waitFor()
  await page.getByTestId('health').getByText('dynamodb_tickets').waitFor()
  // Processing rates: tickets have ended and stages have been timed by now.
  await page.getByTestId('hourly-chart').locator('rect').first().waitFor()
  await page.getByTestId('stage-times').locator('[data-stage=acquiring]').waitFor()
  await page.getByTestId('window').selectOption('1h')
  await page.getByTestId('stage-times').waitFor()
  const config = await page.getByTestId('config').innerText()
  if (config.includes(key)) throw new Error('the configuration view shows the API key')
  await shot('11-system')

  step('new ticket from the catalog: search, pick, preview, create')
  await page.getByRole('link', { name: 'New ticket' }).click()
  await page.getByTestId('lookup-artist').fill('Radiohead')
  await page.getByTestId('lookup-album').fill('OK Computer')
  await page.getByTestId('lookup-search').click()
  await page.locator('[data-testid^=lookup-pick-]').first().click()
  await page.getByTestId('from-catalog').waitFor()
  const previewed = await page.getByTestId('preview').innerText()
  if (!previewed.includes('Paranoid Android') || !previewed.includes('duration_secs')) {
    throw new Error(`the preview lacks the catalog's tracks: ${previewed.slice(0, 300)}`)
  }
  await page.getByTestId('dry-run').click()
  await page.getByText('Dry-run ticket').waitFor()
  await shot('12-new-ticket-from-catalog')

  step('torrents view')
  await page.getByRole('link', { name: 'Torrents' }).click()
  await page.getByTestId('storage').waitFor()
  await page.getByTestId('coverage-artist').fill('Björk')
  await page.getByTestId('coverage-run').click()
  await page.getByText(/No kept torrent holds Björk|tracks in/).waitFor()
  await shot('13-torrents')

  if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`)
  console.log('e2e: all steps passed')
} finally {
  await browser.close()
}
