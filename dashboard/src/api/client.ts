// The one way the dashboard calls the HTTP API: same origin, API key header, typed errors.
import type { ApiErrorBody } from './types'

export class ApiError extends Error {
  readonly status: number
  readonly code: string
  /** Field path (e.g. "search.artist") → message, from `{"errors":[{field,message}]}`. */
  readonly fieldErrors: Record<string, string>

  constructor(status: number, body: Partial<ApiErrorBody> | null, fallback: string) {
    super(body?.message ?? fallback)
    this.status = status
    this.code = body?.error ?? 'HttpError'
    this.fieldErrors = Object.fromEntries((body?.errors ?? []).map((e) => [e.field, e.message]))
  }
}

export type KeySource = () => string | null

let currentKey: KeySource = () => null

/** Tell the client where the API key lives (the auth store). */
export function useKeySource(source: KeySource): void {
  currentKey = source
}

export interface CallOptions {
  method?: 'GET' | 'POST' | 'DELETE'
  body?: unknown
  query?: Record<string, string | number | boolean | null | undefined>
  key?: string | null
}

export function buildPath(path: string, query?: CallOptions['query']): string {
  const params = new URLSearchParams()
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v))
  }
  const qs = params.toString()
  return qs ? `${path}?${qs}` : path
}

async function send(path: string, opts: CallOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const key = opts.key === undefined ? currentKey() : opts.key
  // Bearer carries an API key or, with [auth] method = "oidc", a JWT alike.
  if (key) headers.Authorization = `Bearer ${key}`
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json'
  let response: Response
  try {
    response = await fetch(buildPath(path, opts.query), {
      method: opts.method ?? 'GET',
      headers,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
    })
  } catch (e) {
    throw new ApiError(0, null, `The service cannot be reached (${String(e)})`)
  }
  if (!response.ok) {
    let body: Partial<ApiErrorBody> | null = null
    try {
      body = (await response.json()) as Partial<ApiErrorBody>
    } catch {
      body = null
    }
    throw new ApiError(response.status, body, `HTTP ${response.status} ${response.statusText}`)
  }
  return response
}

/** Call the API and parse the JSON answer; throws ApiError with the API's own message. */
export async function api<T>(path: string, opts: CallOptions = {}): Promise<T> {
  const response = await send(path, opts)
  return (await response.json()) as T
}

/** Call the API and return the raw text (JSON Lines exports). */
export async function apiText(path: string, opts: CallOptions = {}): Promise<string> {
  return (await send(path, opts)).text()
}
