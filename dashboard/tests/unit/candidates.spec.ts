import { describe, expect, it } from 'vitest'
import type { Ticket } from '@/api/types'
import { candidatesOf, fileMappingOf, normalizeCandidate, reasoningOf } from '@/composables/candidates'

function ticket(extra: Record<string, unknown>, payload: Record<string, unknown> = {}): Ticket {
  return { ticket_id: 't', state: 'needs_approval', state_payload: payload, ...extra } as unknown as Ticket
}

describe('candidates', () => {
  it('reads TextBrain scored candidates from the acquisition decision', () => {
    const t = ticket({ acquisition: { recommended_index: 1, reasoning: 'best title match', candidates: [
      { candidate: { title: 'A', seeders: 3, size: 1048576 }, total: 0.5, components: [{ name: 'title', weight: 0.5, value: 0.4, reason: 'meh' }], rejections: [{ code: 'format', reason: 'MP3 only' }] },
      { candidate: { title: 'B' }, total: 0.9, components: [] },
    ], file_mapping: { mapped: [{ item_id: 'h1', file_path: '01.flac' }] } } })
    const [a, b] = candidatesOf(t)
    expect(a).toMatchObject({ title: 'A', total: 0.5, seeders: 3, recommended: false, rejections: ['format: MP3 only'] })
    expect(a!.components[0]).toEqual({ name: 'title', weight: 0.5, value: 0.4, reason: 'meh' })
    expect(b).toMatchObject({ title: 'B', recommended: true })
    expect(reasoningOf(t)).toBe('best title match')
    expect(fileMappingOf(t)).toEqual([{ item_id: 'h1', file_path: '01.flac' }])
  })

  it('tolerates the flat shape in state_payload and missing fields', () => {
    const t = ticket({}, { candidates: [{ title: 'Flat', score: '0.7', breakdown: [{ name: 'x' }], rejections: ['too small'] }, null] })
    const [flat, empty] = candidatesOf(t)
    expect(flat).toMatchObject({ title: 'Flat', total: 0.7, rejections: ['too small'] })
    expect(flat!.components).toEqual([{ name: 'x', weight: null, value: null, reason: '' }])
    expect(empty).toMatchObject({ title: 'candidate 2', total: null, components: [], rejections: [] })
  })

  it('reads a breakdown object with components', () => {
    const c = normalizeCandidate({ title: 'N', breakdown: { total: 0.3, components: [{ name: 'y', weight: 1, value: 0.3, reason: 'r' }] } }, 0)
    expect(c.total).toBe(0.3)
    expect(c.components).toHaveLength(1)
  })

  it('has nothing to say about a ticket without candidates', () => {
    expect(candidatesOf(ticket({}))).toEqual([])
    expect(reasoningOf(ticket({}))).toBe('')
    expect(fileMappingOf(ticket({}))).toEqual([])
  })
})
