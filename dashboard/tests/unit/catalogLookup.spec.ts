import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useCatalogLookup } from '@/composables/useCatalogLookup'

beforeEach(() => setActivePinia(createPinia()))
afterEach(() => vi.unstubAllGlobals())

const RELEASE = {
  musicbrainz_release_id: '0b6b4ba0-d36f-47bd-b4ea-6a5b91842d29', title: 'OK Computer', artist: 'Radiohead',
  date: '1997-05-21', country: 'GB', track_count: 12, formats: ['CD'], release_group_id: null, disambiguation: '',
}

describe('catalog lookup', () => {
  it('lists candidates, then fetches the picked one\'s skeleton', async () => {
    const sent: Array<{ url: string; body: unknown }> = []
    vi.stubGlobal('fetch', vi.fn(async (url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body))
      sent.push({ url, body })
      const answer = body.musicbrainz_release_id ? { release: RELEASE, ticket: { request_scope: 'full_album', tracks: [] } } : { candidates: [RELEASE] }
      return new Response(JSON.stringify(answer), { status: 200 })
    }))
    const lookup = useCatalogLookup()
    await lookup.search('album', { artist: 'Radiohead', album: 'OK Computer' })
    expect(lookup.candidates.value).toEqual([{ key: RELEASE.musicbrainz_release_id, label: 'Radiohead – OK Computer', detail: '1997-05-21 · GB · 12 tracks · CD' }])
    const ticket = await lookup.pick('album', RELEASE.musicbrainz_release_id)
    expect(ticket?.request_scope).toBe('full_album')
    expect(sent.map((s) => s.url)).toEqual(['/api/v1/music/album', '/api/v1/music/album'])
    expect(sent[1]?.body).toEqual({ musicbrainz_release_id: RELEASE.musicbrainz_release_id })
  })

  it('shows a catalog outage as a message, not a broken form', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => new Response(JSON.stringify({ error: 'CatalogUnavailable', message: 'musicbrainz: busy (HTTP 503), retry later' }), { status: 502 })))
    const lookup = useCatalogLookup()
    await lookup.search('album', { artist: 'a', album: 'b' })
    expect(lookup.candidates.value).toEqual([])
    expect(lookup.error.value).toContain('busy')
  })
})
