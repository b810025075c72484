/**
 * The IAB / MRC display viewability rule: an ad counts as seen once at least half of its
 * pixels (30% for ads of 242,500 px² or more) have been in view continuously for one second,
 * while the page itself is visible. A slot scrolled past faster than that is not an impression.
 *
 * Measured with IntersectionObserver, whose implicit root is the top-level viewport: inside a
 * cross-origin iframe it still reports only what the reader can actually see. It does not see
 * other elements covering the ad (IntersectionObserver v2 could, at a cost in every frame).
 */
export interface ViewabilityOptions {
  /** Continuous time in view required (ms). Default 1000. */
  minMs?: number;
  /** Fraction of the ad's area in view. Default 0.5, or 0.3 for large ads (≥ 242,500 px²). */
  minRatio?: number;
  doc?: Document;
  /** Injected in tests; defaults to the page's IntersectionObserver. */
  Observer?: typeof IntersectionObserver;
}

/** Below this area the 50% rule applies; at or above it, 30% (MRC large-ad rule). */
const LARGE_AD_AREA = 242_500;

export function requiredRatio(width: number, height: number): number {
  return width * height >= LARGE_AD_AREA ? 0.3 : 0.5;
}

/**
 * Calls `onViewable` once, when `element` satisfies the rule. Returns a function that stops
 * watching. Without IntersectionObserver (very old browsers) viewability cannot be measured:
 * returns undefined and the caller decides.
 */
export function watchViewability(
  element: Element,
  onViewable: () => void,
  options: ViewabilityOptions = {},
): (() => void) | undefined {
  const doc = options.doc ?? element.ownerDocument;
  const Observer = options.Observer ?? doc.defaultView?.IntersectionObserver;
  if (!Observer) return undefined;
  const minMs = options.minMs ?? 1000;
  let inView = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let done = false;

  const stopTimer = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
  };
  const update = () => {
    if (done) return;
    if (inView && doc.visibilityState === 'visible') {
      timer ??= setTimeout(() => {
        stop();
        onViewable();
      }, minMs);
    } else stopTimer();
  };
  const observer = new Observer(
    (entries) => {
      const entry = entries[entries.length - 1];
      if (!entry) return;
      const { width, height } = entry.boundingClientRect;
      const ratio = options.minRatio ?? requiredRatio(width, height);
      // A rounding hair below the threshold is still "half in view".
      inView = entry.isIntersecting && entry.intersectionRatio >= ratio - 0.005;
      update();
    },
    { threshold: [0, 0.3, 0.5, 1] },
  );
  const stop = () => {
    done = true;
    stopTimer();
    observer.disconnect();
    doc.removeEventListener('visibilitychange', update);
  };
  doc.addEventListener('visibilitychange', update);
  observer.observe(element);
  return stop;
}
