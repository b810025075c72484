/**
 * A controllable IntersectionObserver for unit tests (happy-dom has none that reports): a test
 * says what fraction of an element is in view and the observers of it are called.
 */
export class FakeIntersectionObserver {
  static readonly all = new Set<FakeIntersectionObserver>();
  readonly targets = new Set<Element>();

  constructor(
    private readonly callback: IntersectionObserverCallback,
    readonly options: IntersectionObserverInit = {},
  ) {
    FakeIntersectionObserver.all.add(this);
  }

  observe(target: Element): void {
    this.targets.add(target);
  }
  unobserve(target: Element): void {
    this.targets.delete(target);
  }
  disconnect(): void {
    this.targets.clear();
    FakeIntersectionObserver.all.delete(this);
  }
  takeRecords(): IntersectionObserverEntry[] {
    return [];
  }

  /** Reports `ratio` of `target` (a width × height box) in view to every observer watching it. */
  static show(target: Element, ratio: number, width = 300, height = 250): void {
    for (const observer of [...FakeIntersectionObserver.all]) {
      if (!observer.targets.has(target)) continue;
      const entry = {
        target,
        isIntersecting: ratio > 0,
        intersectionRatio: ratio,
        boundingClientRect: { width, height },
      } as unknown as IntersectionObserverEntry;
      observer.callback([entry], observer as unknown as IntersectionObserver);
    }
  }

  static reset(): void {
    FakeIntersectionObserver.all.clear();
  }
}

export const FakeObserver = FakeIntersectionObserver as unknown as typeof IntersectionObserver;
