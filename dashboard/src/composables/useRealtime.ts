// One WebSocket to the realtime API: authenticate via subprotocol, subscribe, reconnect with
// backoff, and resubscribe (fresh snapshot) whenever a gap in `seq` shows a lost message.
import { ref, type Ref } from 'vue'
import type { RealtimeMessage } from '@/api/types'
import type { Outcome } from '@/stores/live'

export type RealtimeStatus = 'idle' | 'connecting' | 'online' | 'offline' | 'unavailable'

export const PROTOCOL = 'quentin.v1'

/** The subprotocol that carries an API key (base64url: keys need not be HTTP tokens). */
export function keyProtocol(key: string): string {
  const bytes = new TextEncoder().encode(key)
  let binary = ''
  bytes.forEach((b) => (binary += String.fromCharCode(b)))
  return 'quentin.key.' + btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

/** Exponential backoff with jitter: ~0.5 s, 1 s, 2 s ... capped at `max` ms. */
export function backoffDelay(attempt: number, base = 500, max = 15000, random = Math.random): number {
  const ceiling = Math.min(max, base * 2 ** Math.max(0, attempt))
  return Math.round(ceiling / 2 + (random() * ceiling) / 2)
}

/** A ws:// URL announced for 0.0.0.0 means "this host": use the page's host name. */
export function resolveWsUrl(url: string, pageHost: string): string {
  return url.replace('//0.0.0.0', `//${pageHost}`)
}

export interface RealtimeOptions {
  discover: () => Promise<string | null>
  apiKey: () => string | null
  onMessage: (msg: RealtimeMessage) => Outcome
  WebSocketImpl?: typeof WebSocket
  schedule?: (fn: () => void, ms: number) => unknown
  cancel?: (handle: unknown) => void
}

export interface Realtime {
  status: Ref<RealtimeStatus>
  attempts: Ref<number>
  start: () => Promise<void>
  stop: () => void
}

export function useRealtime(opts: RealtimeOptions): Realtime {
  const status = ref<RealtimeStatus>('idle')
  const attempts = ref(0)
  const Impl = opts.WebSocketImpl ?? WebSocket
  const schedule = opts.schedule ?? ((fn, ms) => setTimeout(fn, ms))
  const cancel = opts.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>))
  let socket: WebSocket | null = null
  let timer: unknown = null
  let stopped = true

  function subscribe(): void {
    socket?.send(JSON.stringify({ action: 'subscribe', include_terminal: false }))
  }

  function retry(): void {
    if (stopped) return
    status.value = 'offline'
    const delay = backoffDelay(attempts.value)
    attempts.value += 1
    timer = schedule(() => void open(), delay)
  }

  async function open(): Promise<void> {
    if (stopped) return
    status.value = 'connecting'
    let url: string | null
    try {
      url = await opts.discover()
    } catch {
      retry()
      return
    }
    if (!url) {
      status.value = 'unavailable'
      return
    }
    const key = opts.apiKey()
    const protocols = key ? [PROTOCOL, keyProtocol(key)] : [PROTOCOL]
    const ws = new Impl(url, protocols)
    socket = ws
    ws.onopen = () => {
      status.value = 'online'
      attempts.value = 0
      subscribe()
    }
    ws.onmessage = (ev: MessageEvent) => {
      let msg: RealtimeMessage
      try {
        msg = JSON.parse(String(ev.data)) as RealtimeMessage
      } catch {
        return
      }
      if (opts.onMessage(msg) === 'gap') subscribe()
    }
    ws.onclose = () => {
      if (socket === ws) {
        socket = null
        retry()
      }
    }
  }

  async function start(): Promise<void> {
    if (!stopped) return
    stopped = false
    attempts.value = 0
    await open()
  }

  function stop(): void {
    stopped = true
    if (timer !== null) cancel(timer)
    timer = null
    const ws = socket
    socket = null
    ws?.close()
    status.value = 'idle'
  }

  return { status, attempts, start, stop }
}
