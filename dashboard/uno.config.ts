import { defineConfig, presetWind3 } from 'unocss'

export default defineConfig({
  presets: [presetWind3()],
  shortcuts: {
    btn: 'px-3 py-1.5 rounded text-sm font-medium border border-slate-300 bg-white hover:bg-slate-50 disabled:opacity-50 cursor-pointer',
    'btn-primary': 'px-3 py-1.5 rounded text-sm font-medium bg-indigo-600 text-white hover:bg-indigo-700 disabled:opacity-50 cursor-pointer border border-indigo-600',
    'btn-danger': 'px-3 py-1.5 rounded text-sm font-medium bg-rose-600 text-white hover:bg-rose-700 disabled:opacity-50 cursor-pointer border border-rose-600',
    input: 'border border-slate-300 rounded px-2 py-1 text-sm bg-white',
    card: 'bg-white rounded-lg border border-slate-200 p-4 shadow-sm',
    'field-error': 'text-xs text-rose-700 mt-0.5',
    h2: 'text-lg font-semibold mb-2',
  },
})
