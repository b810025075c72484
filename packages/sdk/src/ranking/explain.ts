import type { FeatureContributions } from '../ctr/contributions.js';
import type { Explanation } from '../types.js';

export interface ExplainInput {
  /** The model's per-group logit contributions for this ad (see featureContributions). */
  contributions?: FeatureContributions;
  /** The profile's interests, any order; the strongest are named. */
  interests?: readonly { label: string; weight: number }[];
  signal?: Explanation['features']['signal'];
  /** Times this user saw the ad recently. */
  impressions?: number;
  explored?: boolean;
  /** Whether the ad competed on bid × pCTR. */
  bid?: number;
}

/** Contributions smaller than this (in logits, ≈ ±2.5% relative odds) are not worth a sentence. */
const NOTABLE = 0.025;

function strongestInterest(interests: ExplainInput['interests']): string | undefined {
  let best: { label: string; weight: number } | undefined;
  for (const i of interests ?? []) {
    if (i.label && Number.isFinite(i.weight) && (!best || i.weight > best.weight)) best = i;
  }
  return best?.label;
}

/**
 * Why an ad is shown, in plain words, largest reason first: the feature groups that moved its
 * predicted click rate most, with the user's strongest interest named when interests mattered.
 */
export function explainAd(input: ExplainInput): string[] {
  const reasons: string[] = [];
  if (input.explored) reasons.push('Shown now and then to learn what else you might like.');
  const interest = strongestInterest(input.interests);
  const interestSentence =
    input.signal === 'context'
      ? 'Related to the page you are reading.'
      : interest
        ? `You read about ${interest}.`
        : 'Close to what you read about.';
  const contributions = input.contributions;
  if (contributions) {
    const sentences: Record<keyof FeatureContributions, (value: number) => string | undefined> = {
      interests: (v) => (v > 0 ? interestSentence : undefined),
      collaborative: (v) => (v > 0 ? 'Similar to ads you engaged with before.' : undefined),
      context: (v) => (v > 0 ? 'Suited to this place on the page and this time of day.' : undefined),
      exposure: (v) => {
        const n = input.impressions ?? 0;
        if (v < 0 && n > 0)
          return `Shown less because you have seen it ${n === 1 ? 'once' : `${n} times`} recently.`;
        return undefined;
      },
    };
    const ordered = (Object.keys(sentences) as (keyof FeatureContributions)[])
      .filter((k) => Number.isFinite(contributions[k]) && Math.abs(contributions[k]) >= NOTABLE)
      .sort((a, b) => Math.abs(contributions[b]) - Math.abs(contributions[a]));
    for (const key of ordered) {
      const sentence = sentences[key](contributions[key]);
      if (sentence && !reasons.includes(sentence)) reasons.push(sentence);
    }
  } else if (input.signal && input.signal !== 'none') {
    reasons.push(interestSentence);
  }
  if (input.bid !== undefined) reasons.push('The advertiser’s bid counts too.');
  if (reasons.length === 0) reasons.push('A generally popular ad.');
  return reasons;
}
