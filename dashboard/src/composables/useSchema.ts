// Enumerations (ticket states, audit event types, content types) come from the API's own
// OpenAPI document at run time, so the dashboard never keeps its own copy of them.
import { ref } from 'vue'
import { api } from '@/api/client'

interface Doc {
  components: { schemas: Record<string, { enum?: string[]; properties?: Record<string, { enum?: string[] }> }> }
}

const ticketStates = ref<string[]>([])
const auditEventTypes = ref<string[]>([])
const contentTypes = ref<string[]>([])
let loading: Promise<void> | null = null

export function useSchema() {
  if (!loading) {
    loading = api<Doc>('/api/v1/openapi.json', { key: null }).then((doc) => {
      const s = doc.components.schemas
      ticketStates.value = s.TicketState?.enum ?? []
      auditEventTypes.value = s.AuditEvent?.properties?.event_type?.enum ?? []
      contentTypes.value = s.QueryContext?.properties?.expected?.enum ?? []
    }).catch(() => {
      loading = null
    })
  }
  return { ticketStates, auditEventTypes, contentTypes, ready: loading }
}
