import '@unocss/reset/tailwind.css'
import 'virtual:uno.css'
import { createPinia } from 'pinia'
import { createApp } from 'vue'
import App from './App.vue'
import { createAppRouter } from './router'
import { useAuthStore } from './stores/auth'

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)
const router = createAppRouter()
const auth = useAuthStore(pinia)
const restored = auth.restore()
router.beforeEach(async (to) => {
  await restored
  if (!to.meta.public && !auth.signedIn) return { path: '/signin', query: { next: to.fullPath } }
  return true
})
app.use(router)
app.mount('#app')
