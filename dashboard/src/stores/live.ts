// Tickets as the WebSocket API reports them: a snapshot, then events numbered by `seq`.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { RealtimeMessage, TicketSummary } from '@/api/types'

/** What handling one message did; 'gap' means messages were missed: resubscribe. */
export type Outcome = 'snapshot' | 'applied' | 'gap' | 'early' | 'error'

export const useLiveStore = defineStore('live', () => {
  const tickets = ref<Record<string, TicketSummary>>({})
  const seq = ref<number | null>(null)
  const truncated = ref(false)
  const lastEvent = ref<RealtimeMessage | null>(null)
  const lastError = ref('')

  function upsert(summary: TicketSummary): void {
    const known = tickets.value[summary.ticket_id]
    // Two writers may deliver out of order: never let an older version win.
    if (!known || summary.version >= known.version) {
      tickets.value = { ...tickets.value, [summary.ticket_id]: summary }
    }
  }

  function handle(msg: RealtimeMessage): Outcome {
    if (msg.type === 'error') {
      lastError.value = msg.message ?? 'error'
      return 'error'
    }
    if (msg.type === 'snapshot') {
      tickets.value = Object.fromEntries((msg.tickets ?? []).map((t) => [t.ticket_id, t]))
      seq.value = msg.seq ?? 0
      truncated.value = msg.truncated ?? false
      return 'snapshot'
    }
    if (seq.value === null) return 'early'
    if (msg.ticket) upsert(msg.ticket)
    lastEvent.value = msg
    const expected = seq.value + 1
    const got = msg.seq ?? expected
    seq.value = Math.max(seq.value, got)
    return got > expected ? 'gap' : 'applied'
  }

  function reset(): void {
    tickets.value = {}
    seq.value = null
    lastEvent.value = null
  }

  const list = computed(() =>
    Object.values(tickets.value).sort(
      (a, b) => b.priority - a.priority || a.created_at.localeCompare(b.created_at),
    ),
  )

  function byState(state: string): TicketSummary[] {
    return list.value.filter((t) => t.state === state)
  }

  return { tickets, seq, truncated, lastEvent, lastError, handle, reset, list, byState, upsert }
})
