// @vitest-environment happy-dom
import { describe, expect, it, vi } from 'vitest';
import type { RankedAd } from '../types.js';
import { headline, renderAd, safeUrl } from './render.js';

const ranked: RankedAd = {
  id: 'shoe',
  score: 0.05,
  pctr: 0.02,
  ad: {
    id: 'shoe',
    text: 'Run your fastest marathon. <b>Cushioned</b> for every mile.',
    advertiser: 'Stridewell',
    landingUrl: 'https://example.com/shoe',
    imageUrl: '/ads/stridewell.svg',
  },
  explanation: {
    interests: [{ id: 'running', label: 'Running & fitness', weight: 0.4 }],
    features: { similarity: 0.5, signal: 'profile+context' },
  },
};

describe('renderAd', () => {
  it('renders accessible, text-only copy with an Ad label, image and a keyboard-operable "Why this ad?"', () => {
    const slot = document.createElement('div');
    slot.dataset.locusSlot = 'side';
    document.body.append(slot);
    const onClick = vi.fn();
    renderAd(slot, ranked, { size: { width: 300, height: 250 }, onClick, privacyUrl: '/privacy.html' });
    const root = slot.shadowRoot!;
    const box = root.querySelector<HTMLElement>('.ad')!;
    expect(box.getAttribute('aria-label')).toBe('Ad from Stridewell');
    expect(box.style.height).toBe('250px');
    expect(root.querySelector('.label')!.textContent).toBe('Ad');
    expect(root.querySelector('.title')!.textContent).toBe('Run your fastest marathon.');
    expect(root.querySelector('b')).toBeNull(); // copy is text, never HTML
    expect(root.querySelector('img')!.getAttribute('referrerpolicy')).toBe('no-referrer');
    expect(slot.dataset.locusAd).toBe('shoe');

    const button = root.querySelector<HTMLButtonElement>('button.why')!;
    const panel = root.getElementById(button.getAttribute('aria-controls')!)!;
    expect(panel.hidden).toBe(true);
    button.click();
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(panel.hidden).toBe(false);
    expect(panel.textContent).toContain('Running & fitness (100%)');
    expect(panel.querySelector('a')!.getAttribute('href')).toBe('/privacy.html');
    panel.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(panel.hidden).toBe(true);
    expect(button.getAttribute('aria-expanded')).toBe('false');
    expect(onClick).not.toHaveBeenCalled(); // the explanation is not a click on the ad
  });

  it('only allows http(s) links and splits the headline', () => {
    expect(safeUrl('javascript:alert(1)', 'https://pub.example/')).toBeUndefined();
    expect(safeUrl('data:text/html,x', 'https://pub.example/')).toBeUndefined();
    expect(safeUrl('/landing', 'https://pub.example/a/')).toBe('https://pub.example/landing');
    expect(headline('No full stop here')).toEqual({ title: 'No full stop here', body: '' });
  });
});
