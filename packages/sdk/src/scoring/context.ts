import type { RequestContext } from '../ctr/features.js';

type DeviceClass = NonNullable<RequestContext['device']>;

/** The device class, from the UA client hints when present, else the screen's short side. */
export function deviceClass(): DeviceClass | undefined {
  const nav = globalThis.navigator as { userAgentData?: { mobile?: boolean } } | undefined;
  const screen = (globalThis as { screen?: { width: number; height: number } }).screen;
  if (!screen) return nav?.userAgentData?.mobile ? 'mobile' : undefined;
  const short = Math.min(screen.width, screen.height);
  if (nav?.userAgentData?.mobile || short < 600) return 'mobile';
  return short < 900 ? 'tablet' : 'desktop';
}

/** What the model knows about a request: the slot, local time and the device class. */
export function requestContext(slot: string | undefined, now: number): RequestContext {
  const date = new Date(now);
  const device = deviceClass();
  return {
    ...(slot !== undefined ? { slot } : {}),
    position: 0,
    hour: date.getHours(),
    weekday: date.getDay(),
    ...(device ? { device } : {}),
  };
}
