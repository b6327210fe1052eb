// Who is using the dashboard. The API key lives in sessionStorage (gone when the tab closes).
// Other sign-in methods (OIDC, ...) plug in as another way to fill `credentials`.
import { useSessionStorage } from '@vueuse/core'
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import { ApiError, api, useKeySource } from '@/api/client'
import type { Identity } from '@/api/types'

export const useAuthStore = defineStore('auth', () => {
  const apiKey = useSessionStorage<string>('qt.apiKey', '')
  const identity = ref<Identity | null>(null)
  const checking = ref(false)
  useKeySource(() => apiKey.value || null)

  const signedIn = computed(() => identity.value !== null)
  const isAdmin = computed(() => identity.value?.is_admin ?? false)

  /** Check a key with GET /whoami; keep it only if the API accepts it. */
  async function signIn(key: string): Promise<void> {
    const trimmed = key.trim()
    identity.value = await api<Identity>('/api/v1/whoami', { key: trimmed || null })
    apiKey.value = trimmed
  }

  /** On load: use the stored key, or no key at all where the service runs without auth. */
  async function restore(): Promise<void> {
    checking.value = true
    try {
      identity.value = await api<Identity>('/api/v1/whoami', { key: apiKey.value || null })
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) apiKey.value = ''
      identity.value = null
    } finally {
      checking.value = false
    }
  }

  function signOut(): void {
    apiKey.value = ''
    identity.value = null
  }

  return { apiKey, identity, checking, signedIn, isAdmin, signIn, restore, signOut }
})
