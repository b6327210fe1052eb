// The "new ticket" form's catalog lookups: search MusicBrainz/TMDB through the API, list the
// candidates, and fetch the ticket skeleton of the one picked. The backend builds every
// skeleton (paths from its templates); nothing here knows a catalog's format.
import { ref } from 'vue'
import { ApiError, api } from '@/api/client'
import type { AlbumLookup, EpisodeLookup, MovieLookup, TicketRequest } from '@/api/types'

export type LookupKind = 'album' | 'movie' | 'tv_episode'

export interface LookupCandidate {
  key: string // what `pick` sends back
  label: string
  detail: string
}

const ROUTES: Record<LookupKind, string> = {
  album: '/api/v1/music/album',
  movie: '/api/v1/video/movie',
  tv_episode: '/api/v1/video/episode',
}

export function useCatalogLookup() {
  const candidates = ref<LookupCandidate[]>([])
  const ticket = ref<TicketRequest | null>(null)
  const error = ref('')
  const busy = ref(false)

  async function call<T>(kind: LookupKind, body: Record<string, unknown>): Promise<T | null> {
    busy.value = true
    error.value = ''
    try {
      return await api<T>(ROUTES[kind], { method: 'POST', body })
    } catch (e) {
      error.value = e instanceof ApiError ? e.message : String(e)
      return null
    } finally {
      busy.value = false
    }
  }

  async function search(kind: LookupKind, words: Record<string, unknown>): Promise<void> {
    ticket.value = null
    const answer = await call<AlbumLookup & MovieLookup & EpisodeLookup>(kind, words)
    const found = (answer?.candidates ?? []) as Array<Record<string, unknown>>
    candidates.value = found.map((c) => describe(kind, c))
  }

  /** The skeleton of a picked candidate; `extra` adds season/episode for a series. */
  async function pick(kind: LookupKind, key: string, extra: Record<string, unknown> = {}): Promise<TicketRequest | null> {
    const body: Record<string, unknown> = kind === 'album' ? { musicbrainz_release_id: key, ...extra } : { tmdb_id: Number(key), ...extra }
    const answer = await call<{ ticket?: TicketRequest }>(kind, body)
    ticket.value = answer?.ticket ?? null
    return ticket.value
  }

  return { candidates, ticket, error, busy, search, pick }
}

function describe(kind: LookupKind, c: Record<string, unknown>): LookupCandidate {
  const s = (v: unknown) => (v === null || v === undefined ? '' : String(v))
  if (kind === 'album') {
    const formats = Array.isArray(c.formats) ? [...new Set(c.formats as string[])].join(' + ') : ''
    return {
      key: s(c.musicbrainz_release_id),
      label: `${s(c.artist)} – ${s(c.title)}`,
      detail: [s(c.date), s(c.country), `${s(c.track_count)} tracks`, formats, s(c.disambiguation)].filter(Boolean).join(' · '),
    }
  }
  if (kind === 'movie') return { key: s(c.tmdb_id), label: s(c.title), detail: s(c.release_date) }
  return { key: s(c.tmdb_id), label: s(c.name), detail: s(c.first_air_date) }
}
