import { fileURLToPath, URL } from 'node:url'
import vue from '@vitejs/plugin-vue'
import UnoCSS from 'unocss/vite'
import { defineConfig } from 'vitest/config'

// The app is served from / by the local stack and from an S3 website in AWS; it talks to
// the API on the same origin, so `vite` (dev) proxies /api to a running `make run`.
export default defineConfig({
  plugins: [vue(), UnoCSS()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  base: './',
  // Flat output (no assets/ folder): `chalice local` matches /{proxy+} one segment deep only.
  build: { outDir: 'dist', assetsDir: '', emptyOutDir: true, sourcemap: false },
  server: { proxy: { '/api': process.env.QT_API_URL ?? 'http://127.0.0.1:8080' } },
  test: {
    environment: 'happy-dom',
    include: ['tests/unit/**/*.spec.ts'],
  },
})
