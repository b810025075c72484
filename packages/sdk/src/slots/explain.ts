import type { RankedAd } from '../types.js';

/** What the "Why this ad?" panel says, in plain words, built from `RankedAd.explanation`. */
export interface PlainExplanation {
  /** One sentence on what the choice was based on. */
  basis: string;
  /** The interests that drew the ad, strongest first, with their share of the reasons (0-100). */
  interests: { label: string; percent: number }[];
  /** Further facts, each a short sentence. */
  details: string[];
}

const BASIS: Record<RankedAd['explanation']['features']['signal'], string> = {
  'profile+context':
    'It matches interests kept in this browser from pages you read here, and the page you are reading.',
  profile: 'It matches interests kept in this browser from pages you read here.',
  context: 'It matches the page you are reading. No reading history was used.',
  none: 'Nothing about you or this page was used: it is one of the ads this site shows to everyone.',
};

const percent = (value: number) => Math.round(Math.min(1, Math.max(0, value)) * 100);

function closeness(similarity: number): string {
  const share = percent(similarity);
  const word = share >= 50 ? 'closely' : share >= 25 ? 'fairly well' : 'loosely';
  return `How well the ad's text matches: ${word} (${share}% similar).`;
}

/** Turns an explanation into sentences a reader can follow (no scores without words). */
export function explainInWords(ranked: Pick<RankedAd, 'pctr' | 'explanation'>): PlainExplanation {
  const { interests, features } = ranked.explanation;
  const total = interests.reduce((sum, interest) => sum + Math.max(0, interest.weight), 0);
  const top = interests.slice(0, 3).map((interest) => ({
    label: interest.label,
    percent: total > 0 ? Math.round((Math.max(0, interest.weight) / total) * 100) : 0,
  }));
  const details = [closeness(features.similarity)];
  const pctr = ranked.pctr * 100;
  if (Number.isFinite(pctr))
    details.push(`Estimated chance of a click: ${pctr < 0.1 ? '< 0.1' : pctr.toFixed(1)}%.`);
  if (features.bid !== undefined)
    details.push(
      `The advertiser's bid (${features.bid.toFixed(2)}) counts too: ads are ordered by bid × chance of a click.`,
    );
  details.push('This choice was made on your device. Nothing about you was sent to make it.');
  return { basis: BASIS[features.signal] ?? BASIS.none, interests: top, details };
}
