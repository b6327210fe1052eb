import { describe, expect, it } from 'vitest'
import type { RealtimeMessage } from '@/api/types'
import { backoffDelay, keyProtocol, resolveWsUrl, useRealtime } from '@/composables/useRealtime'
import type { Outcome } from '@/stores/live'

class FakeSocket {
  static all: FakeSocket[] = []
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((ev: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  closed = false
  constructor(public url: string, public protocols: string[]) {
    FakeSocket.all.push(this)
  }
  send(data: string): void { this.sent.push(data) }
  close(): void { this.closed = true; this.onclose?.() }
  // test helpers
  open(): void { this.onopen?.() }
  receive(msg: unknown): void { this.onmessage?.({ data: JSON.stringify(msg) }) }
  drop(): void { this.onclose?.() }
}

function rig(outcome: Outcome = 'applied') {
  FakeSocket.all = []
  const timers: Array<{ fn: () => void; ms: number }> = []
  const received: RealtimeMessage[] = []
  const rt = useRealtime({
    discover: async () => 'ws://127.0.0.1:9/',
    apiKey: () => 'my key/+',
    onMessage: (m) => { received.push(m); return outcome },
    WebSocketImpl: FakeSocket as unknown as typeof WebSocket,
    schedule: (fn, ms) => timers.push({ fn, ms }),
    cancel: () => undefined,
  })
  return { rt, timers, received }
}

describe('backoff', () => {
  it('grows exponentially, is capped, and has jitter', () => {
    expect(backoffDelay(0, 500, 15000, () => 0)).toBe(250)
    expect(backoffDelay(3, 500, 15000, () => 1)).toBe(4000)
    expect(backoffDelay(20, 500, 15000, () => 1)).toBe(15000)
    expect(backoffDelay(20, 500, 15000, () => 0)).toBe(7500)
  })
})

describe('useRealtime', () => {
  it('offers the key as a base64url subprotocol, never in the URL', async () => {
    const { rt } = rig()
    await rt.start()
    const ws = FakeSocket.all[0]!
    expect(ws.url).toBe('ws://127.0.0.1:9/')
    expect(ws.protocols).toEqual(['quentin.v1', keyProtocol('my key/+')])
    expect(keyProtocol('my key/+')).toBe('quentin.key.bXkga2V5Lys')
  })

  it('subscribes on open and hands messages over', async () => {
    const { rt, received } = rig()
    await rt.start()
    const ws = FakeSocket.all[0]!
    ws.open()
    expect(rt.status.value).toBe('online')
    expect(JSON.parse(ws.sent[0]!)).toMatchObject({ action: 'subscribe' })
    ws.receive({ type: 'snapshot', seq: 1, tickets: [] })
    expect(received).toHaveLength(1)
  })

  it('resubscribes for a fresh snapshot when a gap is seen', async () => {
    const { rt } = rig('gap')
    await rt.start()
    const ws = FakeSocket.all[0]!
    ws.open()
    ws.receive({ type: 'state_change', seq: 9 })
    expect(ws.sent).toHaveLength(2)
  })

  it('goes offline and reconnects with growing delays', async () => {
    const { rt, timers } = rig()
    await rt.start()
    FakeSocket.all[0]!.drop()
    expect(rt.status.value).toBe('offline')
    expect(timers).toHaveLength(1)
    timers[0]!.fn()
    await Promise.resolve()
    await Promise.resolve()
    expect(FakeSocket.all).toHaveLength(2)
    FakeSocket.all[1]!.drop()
    expect(timers[1]!.ms).toBeGreaterThanOrEqual(500)
    expect(rt.attempts.value).toBe(2)
    timers[1]!.fn()
    await Promise.resolve()
    await Promise.resolve()
    FakeSocket.all[2]!.open()
    expect(rt.status.value).toBe('online')
    expect(rt.attempts.value).toBe(0)
  })

  it('stops for good when stopped', async () => {
    const { rt, timers } = rig()
    await rt.start()
    rt.stop()
    expect(FakeSocket.all[0]!.closed).toBe(true)
    expect(timers).toHaveLength(0)
    expect(rt.status.value).toBe('idle')
  })

  it('reports "unavailable" when the service has no WebSocket API', async () => {
    FakeSocket.all = []
    const rt = useRealtime({ discover: async () => null, apiKey: () => null, onMessage: () => 'applied',
      WebSocketImpl: FakeSocket as unknown as typeof WebSocket })
    await rt.start()
    expect(rt.status.value).toBe('unavailable')
    expect(FakeSocket.all).toHaveLength(0)
  })

  it('maps an announced 0.0.0.0 to the page host', () => {
    expect(resolveWsUrl('ws://0.0.0.0:8765', 'nas.local')).toBe('ws://nas.local:8765')
  })
})
