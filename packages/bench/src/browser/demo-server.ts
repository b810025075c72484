import { builtModelsDir, demoDistDir, sdkCdnDir } from './artefacts.js';
import { cdnFiles, type FileGroup } from './cdn-files.js';
import { type StaticServer, startStaticServer } from './static-server.js';

/** The demo article every page-level suite opens (first visit, default configuration). */
export const DEMO_ARTICLE = '/sports/marathon-training.html';

/**
 * Serves the built demo (demo/dist) the way assemble.mjs lays it out, but with the SDK and the
 * models taken from their packages' current builds: /locus/ is @locus/sdk/cdn/*, /locus/models/
 * is @locus/models' artefacts. No aggregator: the SDK does not contact it yet (a request to /fl
 * would show up as a 404 in the network records).
 */
export function startDemoServer(pages: Record<string, string> = {}): Promise<StaticServer> {
  return startStaticServer({
    mounts: [
      { prefix: '/locus/models/', dir: builtModelsDir() },
      { prefix: '/locus/', dir: sdkCdnDir() },
      { prefix: '/', dir: demoDistDir() },
    ],
    pages,
  });
}

export type RequestKind =
  | 'page (HTML, CSS, JS)'
  | 'SDK JS'
  | 'encoder worker'
  | 'tfjs + wasm'
  | 'transformers.js + ORT'
  | 'model files'
  | 'catalog'
  | 'other';

export const KIND_ORDER: RequestKind[] = [
  'page (HTML, CSS, JS)',
  'SDK JS',
  'catalog',
  'tfjs + wasm',
  'encoder worker',
  'model files',
  'transformers.js + ORT',
  'other',
];

/** The kinds that are machine learning: the first fill should not wait for any of them. */
export const ML_KINDS = new Set<RequestKind>([
  'tfjs + wasm',
  'encoder worker',
  'transformers.js + ORT',
  'model files',
]);

const KIND_OF_GROUP: Record<FileGroup, RequestKind> = {
  loader: 'SDK JS',
  core: 'SDK JS',
  'encoder glue (main thread)': 'SDK JS',
  other: 'SDK JS',
  tfjs: 'tfjs + wasm',
  'tfjs wasm': 'tfjs + wasm',
  'encoder worker': 'encoder worker',
  'transformers.js (main thread)': 'transformers.js + ORT',
  'transformers.js (worker)': 'transformers.js + ORT',
  'onnxruntime-web': 'transformers.js + ORT',
  'model files': 'model files',
};

/** Classifies a URL path of the demo server by what it is for. */
export function requestKinds(): (path: string) => RequestKind {
  const groups = new Map(cdnFiles(sdkCdnDir()).map((file) => [`/locus/${file.path}`, file.group]));
  return (path) => {
    if (path.startsWith('/locus/models/')) return 'model files';
    const group = groups.get(path);
    if (group) return KIND_OF_GROUP[group];
    if (path.startsWith('/locus/')) return 'other';
    if (path === '/ads.json') return 'catalog';
    if (/\.(html|css|js)$/.test(path) || path.endsWith('/')) return 'page (HTML, CSS, JS)';
    return 'other';
  };
}
