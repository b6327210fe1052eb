// How numbers and times read on screen.
export function age(iso: string, now: number = Date.now()): string {
  const secs = Math.max(0, Math.round((now - Date.parse(iso)) / 1000))
  if (secs < 60) return `${secs}s`
  if (secs < 3600) return `${Math.floor(secs / 60)}m`
  if (secs < 86400) return `${Math.floor(secs / 3600)}h ${Math.floor((secs % 3600) / 60)}m`
  return `${Math.floor(secs / 86400)}d`
}

export function bytes(size: unknown, units = ['B', 'KB', 'MB', 'GB', 'TB']): string {
  const n = Number(size)
  if (!Number.isFinite(n) || n <= 0) return '–'
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024
    i += 1
  }
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`
}

export function bytesPerSecond(bps: unknown): string {
  return bytes(bps, ['B/s', 'KB/s', 'MB/s', 'GB/s'])
}

export function duration(secs: unknown): string {
  const n = Number(secs)
  if (!Number.isFinite(n) || n < 0) return '–'
  const m = Math.floor(n / 60)
  return m > 0 ? `${m}m ${Math.round(n % 60)}s` : `${Math.round(n)}s`
}

export function stateLabel(state: string): string {
  return state.replace(/_/g, ' ')
}

export function when(iso: string): string {
  const d = new Date(iso)
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString()
}
