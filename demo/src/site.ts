// Page helper for the demo network: mirrors what the on-device SDK is doing in the one-line
// status under the ad slot. It never touches the slot itself (the SDK owns it) and the status
// line has a fixed height in site.css, so updates cause no layout shift.
//
// Listens on window in the capture phase, so it sees the SDK's events whether they are
// dispatched on window, on document or on the slot element.

const statusLine = document.querySelector<HTMLElement>('[data-slot-status]');

function setStatus(text: string): void {
  if (statusLine && statusLine.textContent !== text) statusLine.textContent = text;
}

/** Download progress in percent from a `locus:progress` detail, if it carries one. */
function progressPercent(detail: unknown): number | undefined {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const { loaded, total, progress } = detail as Record<string, unknown>;
  if (typeof loaded === 'number' && typeof total === 'number' && total > 0) {
    return Math.min(100, Math.max(0, (loaded / total) * 100));
  }
  if (typeof progress === 'number' && Number.isFinite(progress)) {
    return Math.min(100, Math.max(0, progress));
  }
  return undefined;
}

window.addEventListener(
  'locus:progress',
  (event) => {
    const pct = progressPercent((event as CustomEvent<unknown>).detail);
    setStatus(
      pct === undefined ? 'Loading the on-device model…' : `Loading the on-device model… ${Math.round(pct)}%`,
    );
  },
  { capture: true },
);

window.addEventListener('locus:ready', () => setStatus('Ranking ads on this device…'), { capture: true });

window.addEventListener('locus:slot-filled', () => setStatus('Chosen on this device · nothing was sent'), {
  capture: true,
});

window.addEventListener('locus:error', () => setStatus('Personalization unavailable on this page'), {
  capture: true,
});

export {};
