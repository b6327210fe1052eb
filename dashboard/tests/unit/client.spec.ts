import { afterEach, describe, expect, it, vi } from 'vitest'
import { ApiError, api, buildPath, useKeySource } from '@/api/client'
import { age, bytesPerSecond } from '@/composables/format'

afterEach(() => vi.unstubAllGlobals())

describe('api client', () => {
  it('builds query strings without empty values', () => {
    expect(buildPath('/x', { a: 'b c', empty: '', none: null, n: 2 })).toBe('/x?a=b+c&n=2')
  })

  it('sends the key and turns field errors into a map', async () => {
    const fetchMock = vi.fn(async () => new Response(JSON.stringify({
      error: 'ValidationError', message: 'the request is invalid',
      errors: [{ field: 'search.artist', message: 'is required for album tickets' }],
    }), { status: 400 }))
    vi.stubGlobal('fetch', fetchMock)
    useKeySource(() => 'k-123')
    const failure = await api('/api/v1/ticket', { method: 'POST', body: {} }).catch((e: unknown) => e)
    expect(failure).toBeInstanceOf(ApiError)
    const err = failure as ApiError
    expect(err.status).toBe(400)
    expect(err.message).toBe('the request is invalid')
    expect(err.fieldErrors).toEqual({ 'search.artist': 'is required for album tickets' })
    const init = (fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1]
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer k-123')
  })

  it('reports an unreachable service plainly', async () => {
    vi.stubGlobal('fetch', vi.fn(async () => { throw new TypeError('Failed to fetch') }))
    await expect(api('/x')).rejects.toMatchObject({ status: 0 })
  })
})

describe('format', () => {
  it('reads ages and speeds', () => {
    const now = Date.parse('2026-01-01T01:30:00Z')
    expect(age('2026-01-01T00:00:00Z', now)).toBe('1h 30m')
    expect(age('2026-01-01T01:29:30Z', now)).toBe('30s')
    expect(bytesPerSecond(1536 * 1024)).toBe('1.5 MB/s')
    expect(bytesPerSecond(undefined)).toBe('–')
  })
})
