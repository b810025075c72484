// Page helper for the demo network: mirrors what the on-device SDK is doing in the status line
// and progress bar under the sidebar slot. It never touches the slots (the SDK owns them) and the
// status area has a fixed height in site.css, so updates cause no layout shift.
//
// Listens on window in the capture phase, so it sees the SDK's events whether they are
// dispatched on window or on a slot element.
import type { LocusEventMap } from '@locus/sdk';

const statusLine = document.querySelector<HTMLElement>('[data-slot-status]');
const progressBar = document.querySelector<HTMLProgressElement>('[data-model-progress]');

function setStatus(text: string): void {
  if (statusLine && statusLine.textContent !== text) statusLine.textContent = text;
}

/** Bytes per model file: the model arrives as several files, shown as one download. */
const files = new Map<string, { loaded: number; total: number }>();
let modelReady = false;
let filled = false;

const mb = (bytes: number) => (bytes / 1_000_000).toFixed(1);

function onProgress(detail: LocusEventMap['locus:progress']): void {
  if (!detail || typeof detail.loaded !== 'number') return;
  files.set(detail.file, { loaded: detail.loaded, total: Math.max(detail.total || 0, detail.loaded) });
  let loaded = 0;
  let total = 0;
  for (const file of files.values()) {
    loaded += file.loaded;
    total += file.total;
  }
  if (progressBar) {
    progressBar.hidden = false;
    progressBar.max = Math.max(total, 1);
    progressBar.value = loaded;
  }
  if (total > 0 && loaded >= total) {
    modelReady = true;
    setStatus('On-device model ready · ads are chosen here');
    if (progressBar) progressBar.hidden = true;
    return;
  }
  const pct = total > 0 ? Math.round((loaded / total) * 100) : 0;
  setStatus(`First visit: downloading the on-device model · ${pct}% (${mb(loaded)} of ${mb(total)} MB)`);
}

window.addEventListener(
  'locus:progress',
  (event) => onProgress((event as CustomEvent<LocusEventMap['locus:progress']>).detail),
  { capture: true },
);

window.addEventListener(
  'locus:ready',
  () => {
    if (!filled) setStatus('Ranking ads on this device…');
  },
  { capture: true },
);

window.addEventListener(
  'locus:slot-filled',
  () => {
    filled = true;
    if (files.size === 0 || modelReady) setStatus('Chosen on this device · nothing was sent');
  },
  { capture: true },
);

window.addEventListener(
  'locus:error',
  (event) => {
    const code = (event as CustomEvent<LocusEventMap['locus:error']>).detail?.code;
    // Degradations Locus handles itself (no storage, a skipped catalog entry) are not outages.
    if (code === 'encoder-failed' || code === 'catalog-unavailable' || code === 'command-failed')
      setStatus('Personalization unavailable on this page');
  },
  { capture: true },
);
