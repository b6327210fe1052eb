import { createPinia, setActivePinia } from 'pinia'
import { beforeEach, describe, expect, it } from 'vitest'
import type { RealtimeMessage, TicketSummary } from '@/api/types'
import { useLiveStore } from '@/stores/live'

function summary(id: string, state: TicketSummary['state'], version = 1, priority = 100): TicketSummary {
  return {
    ticket_id: id, state, priority, requested_by: 'admin', created_at: '2026-01-01T00:00:00+00:00',
    updated_at: '2026-01-01T00:00:00+00:00', version, dry_run: false, expected: 'album', label: id,
  }
}
const snapshot = (seq: number, ...tickets: TicketSummary[]): RealtimeMessage => ({ type: 'snapshot', seq, tickets })
const event = (seq: number, t: TicketSummary, type: RealtimeMessage['type'] = 'state_change'): RealtimeMessage =>
  ({ type, seq, ticket_id: t.ticket_id, ticket: t, data: {} })

describe('live store', () => {
  beforeEach(() => setActivePinia(createPinia()))

  it('replaces everything with a snapshot', () => {
    const live = useLiveStore()
    live.handle(snapshot(1, summary('a', 'pending')))
    expect(live.handle(snapshot(5, summary('b', 'acquiring')))).toBe('snapshot')
    expect(Object.keys(live.tickets)).toEqual(['b'])
    expect(live.seq).toBe(5)
  })

  it('applies consecutive events and reports a gap when one is missing', () => {
    const live = useLiveStore()
    live.handle(snapshot(3, summary('a', 'pending')))
    expect(live.handle(event(4, summary('a', 'acquiring', 2)))).toBe('applied')
    expect(live.tickets.a?.state).toBe('acquiring')
    expect(live.handle(event(6, summary('a', 'needs_approval', 4)))).toBe('gap')
    expect(live.tickets.a?.state).toBe('needs_approval')
    expect(live.seq).toBe(6)
    expect(live.handle(event(7, summary('a', 'approved', 5)))).toBe('applied')
  })

  it('ignores events before the first snapshot', () => {
    const live = useLiveStore()
    expect(live.handle(event(1, summary('a', 'pending')))).toBe('early')
    expect(live.tickets).toEqual({})
  })

  it('never lets an older version overwrite a newer one', () => {
    const live = useLiveStore()
    live.handle(snapshot(1, summary('a', 'downloading', 7)))
    live.handle(event(2, summary('a', 'approved', 6)))
    expect(live.tickets.a?.state).toBe('downloading')
  })

  it('sorts by priority then age, and groups by state', () => {
    const live = useLiveStore()
    live.handle(snapshot(1, summary('low', 'pending', 1, 10), summary('high', 'pending', 1, 900),
      summary('x', 'acquiring')))
    expect(live.list.map((t) => t.ticket_id)).toEqual(['high', 'x', 'low'])
    expect(live.byState('pending').map((t) => t.ticket_id)).toEqual(['high', 'low'])
  })

  it('keeps the server error message', () => {
    const live = useLiveStore()
    expect(live.handle({ type: 'error', message: "'action' must be…" })).toBe('error')
    expect(live.lastError).toContain('action')
  })
})
