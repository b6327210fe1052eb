import { createPinia, setActivePinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useAuthStore } from '@/stores/auth'

beforeEach(() => {
  sessionStorage.clear()
  setActivePinia(createPinia())
})
afterEach(() => vi.unstubAllGlobals())

function whoami(status: number, body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { status }))
}

describe('auth store', () => {
  it('keeps a key the API accepts, in sessionStorage', async () => {
    vi.stubGlobal('fetch', whoami(200, { user_id: 'admin', is_admin: true, method: 'api_key' }))
    const auth = useAuthStore()
    await auth.signIn('  good-key-0123456789 ')
    expect(auth.signedIn).toBe(true)
    expect(auth.isAdmin).toBe(true)
    expect(sessionStorage.getItem('qt.apiKey')).toBe('good-key-0123456789')
  })

  it('keeps nothing when the API refuses the key', async () => {
    vi.stubGlobal('fetch', whoami(401, { error: 'Unauthorized', message: 'invalid API key' }))
    const auth = useAuthStore()
    await expect(auth.signIn('bad')).rejects.toThrow('invalid API key')
    expect(auth.signedIn).toBe(false)
    expect(sessionStorage.getItem('qt.apiKey') ?? '').toBe('')
  })

  it('forgets a stored key that stopped working', async () => {
    sessionStorage.setItem('qt.apiKey', 'old-key')
    vi.stubGlobal('fetch', whoami(401, { error: 'Unauthorized', message: 'invalid API key' }))
    const auth = useAuthStore()
    await auth.restore()
    expect(auth.signedIn).toBe(false)
    expect(auth.apiKey).toBe('')
  })
})
