import { defineConfig } from 'vite'
import react from '@vitejs/plugin-react'

// The wizard's front end, built into web/dist and served by `passage serve`. No inline scripts
// or styles are emitted, so the server's strict Content-Security-Policy holds.
export default defineConfig({
  base: '/',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
})
