// Read candidates out of a ticket whatever stage wrote them: the acquisition decision
// (ticket.acquisition.candidates: ScoredCandidate dicts) or state_payload.candidates, with
// any field possibly missing. Nothing here scores anything: the backend did that.
import type { Ticket } from '@/api/types'

export interface ScoreComponent {
  name: string
  weight: number | null
  value: number | null
  reason: string
}

export interface CandidateView {
  index: number
  title: string
  total: number | null
  components: ScoreComponent[]
  rejections: string[]
  redFlags: string[]
  size: number | null
  seeders: number | null
  indexer: string
  recommended: boolean
  raw: Record<string, unknown>
}

type Json = Record<string, unknown>

function obj(v: unknown): Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {}
}

function num(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN
  return Number.isFinite(n) ? n : null
}

function str(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v)
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : []
}

export function normalizeComponent(raw: unknown): ScoreComponent {
  const c = obj(raw)
  return { name: str(c.name) || '?', weight: num(c.weight), value: num(c.value), reason: str(c.reason) }
}

export function normalizeCandidate(raw: unknown, index: number, recommended = false): CandidateView {
  const c = obj(raw)
  const inner = obj(c.candidate)
  const breakdown = c.breakdown
  const components = list(c.components).length
    ? list(c.components)
    : Array.isArray(breakdown)
      ? breakdown
      : list(obj(breakdown).components)
  const rejections = list(c.rejections).map((r) =>
    typeof r === 'string' ? r : [str(obj(r).code), str(obj(r).reason)].filter(Boolean).join(': '),
  )
  return {
    index,
    title: str(c.title) || str(inner.title) || `candidate ${index + 1}`,
    total: num(c.total ?? c.score ?? obj(breakdown).total),
    components: components.map(normalizeComponent),
    rejections,
    redFlags: list(c.red_flags).map(str),
    size: num(inner.size ?? c.size),
    seeders: num(inner.seeders ?? c.seeders),
    indexer: str(inner.indexer ?? c.indexer),
    recommended,
    raw: c,
  }
}

/** The acquisition decision as an object ({} when there is none). */
export function acquisitionOf(ticket: Ticket): Json {
  const t = ticket as unknown as Json
  return obj(t.acquisition ?? obj(ticket.state_payload).acquisition)
}

export function candidatesOf(ticket: Ticket): CandidateView[] {
  const decision = acquisitionOf(ticket)
  const payload = obj(ticket.state_payload)
  const raw = list(decision.candidates).length ? list(decision.candidates) : list(payload.candidates)
  const best = num(decision.recommended_index ?? payload.recommended_index)
  return raw.map((c, i) => normalizeCandidate(c, i, best === i))
}

/** The LLM's (or the heuristics') explanation of the decision, if any was recorded. */
export function reasoningOf(ticket: Ticket): string {
  const decision = acquisitionOf(ticket)
  const payload = obj(ticket.state_payload)
  return str(decision.reasoning || payload.llm_reasoning || payload.reasoning)
}

/** Rows of the file mapping: which torrent file goes to which item. */
export function fileMappingOf(ticket: Ticket): Json[] {
  const decision = acquisitionOf(ticket)
  const payload = obj(ticket.state_payload)
  const mapping = obj(decision.file_mapping ?? payload.file_mapping ?? payload.mapping)
  const rows = list(mapping.mapped).length ? list(mapping.mapped) : list(mapping.files)
  return rows.map(obj)
}
