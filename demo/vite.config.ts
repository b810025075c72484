import { readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Connect, defineConfig, type Plugin, type ProxyOptions } from 'vite';

// Multi-page demo site: every .html file under demo/ (outside public/, dist/, node_modules/)
// is a page. The SDK (demo/public/locus/) is copied in by scripts/assemble.mjs before dev/build.

const root = fileURLToPath(new URL('.', import.meta.url));
const SKIP = new Set(['node_modules', 'public', 'dist', 'scripts', 'src']);

/** Every html page under `dir`, keyed by its path without extension (e.g. `sports/tennis-serve`). */
function htmlPages(dir: string, out: Record<string, string> = {}): Record<string, string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP.has(entry.name)) htmlPages(full, out);
    } else if (entry.isFile() && entry.name.endsWith('.html')) {
      out[relative(root, full).slice(0, -'.html'.length).split(sep).join('/')] = full;
    }
  }
  return out;
}

// The aggregator (packages/aggregator) listens on 8787; the page talks to it same-origin via /fl.
// /fl and /fl/... are forwarded with the path unchanged (/fl/x -> http://127.0.0.1:8787/fl/x).
const aggregator = process.env.LOCUS_AGGREGATOR_URL ?? 'http://127.0.0.1:8787';
const proxy: Record<string, ProxyOptions> = {
  '^/fl(?:[/?]|$)': { target: aggregator, changeOrigin: true },
};

/** Vite serves .wasm/.mjs/.json with the right types already; .onnx is unknown to it. */
function onnxMimeType(): Plugin {
  const setType: Connect.NextHandleFunction = (req, res, next) => {
    if (req.url && /\.onnx(?:[?#]|$)/.test(req.url)) {
      res.setHeader('Content-Type', 'application/octet-stream');
    }
    next();
  };
  return {
    name: 'locus-demo:onnx-mime-type',
    configureServer(server) {
      server.middlewares.use(setType);
    },
    configurePreviewServer(server) {
      server.middlewares.use(setType);
    },
  };
}

export default defineConfig({
  root,
  appType: 'mpa',
  plugins: [onnxMimeType()],
  server: { port: 5173, strictPort: true, proxy },
  preview: { port: 5173, strictPort: true, proxy },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: { input: htmlPages(root) },
  },
});
