import { describe, expect, it } from 'vitest';
import { chooseSize, layoutFor, parseSizes } from './sizes.js';

describe('data-locus-sizes', () => {
  it('parses sizes in the publisher order and skips what is not WxH', () => {
    expect(parseSizes('728x90, 300x250,fluid 0x50 320X50')).toEqual([
      { width: 728, height: 90 },
      { width: 300, height: 250 },
      { width: 320, height: 50 },
    ]);
    expect(parseSizes(undefined)).toEqual([]);
    expect(parseSizes('')).toEqual([]);
  });

  it('takes the first size that fits the width, else the narrowest', () => {
    const sizes = parseSizes('728x90,468x60,300x250');
    expect(chooseSize(sizes, 1000)).toEqual({ width: 728, height: 90 });
    expect(chooseSize(sizes, 500)).toEqual({ width: 468, height: 60 });
    expect(chooseSize(sizes, 200)).toEqual({ width: 300, height: 250 });
    expect(chooseSize(sizes, 0)).toEqual({ width: 728, height: 90 }); // not laid out: first choice
    expect(chooseSize([], 800)).toBeUndefined();
  });

  it('lays banners out in a row and tall slots as skyscrapers', () => {
    expect(layoutFor({ width: 728, height: 90 })).toBe('banner');
    expect(layoutFor({ width: 320, height: 50 })).toBe('banner');
    expect(layoutFor({ width: 300, height: 250 })).toBe('rectangle');
    expect(layoutFor({ width: 160, height: 600 })).toBe('skyscraper');
    expect(layoutFor(undefined)).toBe('rectangle');
  });
});
