/**
 * locus.js: the classic script a publisher includes (async). It stays tiny: it finds the folder
 * it was served from and imports the real SDK module from there, which then takes over the
 * `window.locus.cmd` queue. Everything heavy (tfjs, the encoder) loads later, on demand.
 */
interface LocusStub {
  cmd?: unknown;
  /** Set by the first locus.js while its core module loads. */
  loading?: boolean;
  /** Set by the core module once `window.locus` is the real API. */
  installed?: boolean;
}

(() => {
  const win = window as unknown as { locus?: LocusStub };
  const stub: LocusStub = win.locus ?? { cmd: [] };
  win.locus = stub;
  // Included twice (two tags, or a tag manager adding a second copy): the first copy does the work.
  if (stub.loading || stub.installed) return;
  stub.loading = true;
  const src = (document.currentScript as HTMLScriptElement | null)?.src ?? location.href;
  const base = new URL('.', src).href;
  import(/* @vite-ignore */ `${base}locus-core.js`)
    .then((core: { install(win: Window, assetsUrl: string): void }) => core.install(window, base))
    .catch((error: unknown) => {
      stub.loading = false;
      const message = `locus.js could not load its core module: ${String(error)}`;
      window.dispatchEvent(
        new CustomEvent('locus:error', { detail: { code: 'command-failed', message, error } }),
      );
    });
})();
