// Quality of an embedder on public data: the taxonomy parent tasks and the demo site's page↔ad
// separation, with the bag-of-words baselines computed on the same inputs.
import { type BowKind, bowVectors, type SparseVector, sparseCosine } from './bow.js';
import type { DemoCorpus } from './demo-corpus.js';
import { cosine, mean, type ParentAccuracy, parentAccuracy, parentCredits, rocAuc } from './metrics.js';
import type { ParentTask } from './taxonomy.js';

/** Embeds texts into L2-normalized (or zero) vectors, one per text. */
export type Embed = (texts: string[]) => Promise<ArrayLike<number>[]>;

export interface DemoSeparation {
  pages: number;
  ads: number;
  /** Mean cosine of page↔ad pairs of the same topic. */
  sameTopic: number;
  /** Mean cosine of page↔ad pairs of different topics (including ads of a topic no page has). */
  crossTopic: number;
  /** sameTopic − crossTopic. */
  gap: number;
  /** Per page, the probability that a same-topic ad outranks a cross-topic one; mean over pages. */
  auc: number;
  /** Share of pages whose best ad has the page's topic. */
  pageTop1: number;
  /** Share of same-topic ads among each page's best 3; mean over pages. */
  pagePrecisionAt3: number;
  /** Share of ads (of a topic some page has) whose nearest page has their topic. */
  adTop1: number;
}

export interface QualityReport {
  /** Tier-2 name → nearest tier-1 name. */
  taxonomies: Record<string, ParentAccuracy>;
  /**
   * Tier-2 name → nearest tier-1 "document": the names of all that parent's other tier-2 children
   * joined into one text (leave-one-out). Tests long, multi-topic texts as the demo pages do, on
   * public data.
   */
  taxonomyDocs: Record<string, ParentAccuracy>;
  demo: DemoSeparation;
}

/** Each parent's document (all its children's names) and, per child, its parent's document without it. */
export function parentDocuments(task: ParentTask): { docs: string[]; leaveOneOut: string[] } {
  const names = (p: number, skip = -1) =>
    task.children.flatMap((c, i) => (c.parent === p && i !== skip ? [c.name] : [])).join('. ');
  return {
    docs: task.parents.map((_, p) => names(p)),
    leaveOneOut: task.children.map((c, i) => names(c.parent, i)),
  };
}

export function demoSeparation(
  corpus: DemoCorpus,
  sim: (page: number, ad: number) => number,
): DemoSeparation {
  const same: number[] = [];
  const cross: number[] = [];
  const aucs: number[] = [];
  let top1 = 0;
  const precisions: number[] = [];
  corpus.pages.forEach((page, p) => {
    const scored = corpus.ads.map((ad, a) => ({ same: ad.category === page.topic, s: sim(p, a) }));
    const pos = scored.filter((x) => x.same).map((x) => x.s);
    const neg = scored.filter((x) => !x.same).map((x) => x.s);
    same.push(...pos);
    cross.push(...neg);
    aucs.push(rocAuc(pos, neg));
    const ranked = [...scored].sort((x, y) => y.s - x.s);
    if (ranked[0]!.same) top1++;
    precisions.push(ranked.slice(0, 3).filter((x) => x.same).length / 3);
  });
  const topics = new Set(corpus.pages.map((p) => p.topic));
  const topicalAds = corpus.ads.map((ad, a) => ({ ad, a })).filter(({ ad }) => topics.has(ad.category));
  const adHits = topicalAds.filter(({ ad, a }) => {
    const scores = corpus.pages.map((_, p) => sim(p, a));
    return corpus.pages[scores.indexOf(Math.max(...scores))]!.topic === ad.category;
  }).length;
  const sameTopic = mean(same);
  const crossTopic = mean(cross);
  return {
    pages: corpus.pages.length,
    ads: corpus.ads.length,
    sameTopic,
    crossTopic,
    gap: sameTopic - crossTopic,
    auc: mean(aucs),
    pageTop1: top1 / corpus.pages.length,
    pagePrecisionAt3: mean(precisions),
    adTop1: adHits / topicalAds.length,
  };
}

/** Per-item credits of every taxonomy score, keyed `<task id>` and `<task id> docs` (for the sweep's bootstrap). */
export type CreditLog = Map<string, number[]>;

export async function measureQuality(
  embed: Embed,
  tasks: ParentTask[],
  corpus: DemoCorpus,
  credits?: CreditLog,
): Promise<QualityReport> {
  const score = (task: ParentTask, key: string, sim: (c: number, p: number) => number): ParentAccuracy => {
    const items = parentCredits(task, sim);
    credits?.set(key, items);
    const accuracy = items.reduce((s, x) => s + x, 0) / items.length;
    return { accuracy, children: task.children.length, parents: task.parents.length };
  };
  const taxonomies: Record<string, ParentAccuracy> = {};
  const taxonomyDocs: Record<string, ParentAccuracy> = {};
  for (const task of tasks) {
    const parents = await embed(task.parents);
    const children = await embed(task.children.map((c) => c.name));
    taxonomies[task.id] = score(task, task.id, (c, p) => cosine(children[c]!, parents[p]!));
    const { docs, leaveOneOut } = parentDocuments(task);
    const docVecs = await embed(docs);
    const looVecs = await embed(leaveOneOut);
    taxonomyDocs[task.id] = score(task, `${task.id} docs`, (c, p) =>
      cosine(children[c]!, p === task.children[c]!.parent ? looVecs[c]! : docVecs[p]!),
    );
  }
  const pages = await embed(corpus.pages.map((p) => p.text));
  const ads = await embed(corpus.ads.map((a) => a.text));
  return { taxonomies, taxonomyDocs, demo: demoSeparation(corpus, (p, a) => cosine(pages[p]!, ads[a]!)) };
}

/** The same report for a bag-of-words baseline (idf fitted on each task's names / the demo texts). */
export function bowQuality(
  kind: BowKind,
  vocab: ReadonlyMap<string, number>,
  tasks: ParentTask[],
  corpus: DemoCorpus,
): QualityReport {
  const taxonomies: Record<string, ParentAccuracy> = {};
  const taxonomyDocs: Record<string, ParentAccuracy> = {};
  for (const task of tasks) {
    const children = task.children.map((c) => c.name);
    const vecs = bowVectors([...task.parents, ...children], kind, vocab);
    const at = task.parents.length;
    taxonomies[task.id] = parentAccuracy(task, (c, p) => sparseCosine(vecs[at + c]!, vecs[p]!));
    const { docs, leaveOneOut } = parentDocuments(task);
    const d = bowVectors([...children, ...docs, ...leaveOneOut], kind, vocab);
    const [nc, nd] = [children.length, docs.length];
    taxonomyDocs[task.id] = parentAccuracy(task, (c, p) =>
      sparseCosine(d[c]!, p === task.children[c]!.parent ? d[nc + nd + c]! : d[nc + p]!),
    );
  }
  const vecs: SparseVector[] = bowVectors(
    [...corpus.pages.map((p) => p.text), ...corpus.ads.map((a) => a.text)],
    kind,
    vocab,
  );
  const at = corpus.pages.length;
  return {
    taxonomies,
    taxonomyDocs,
    demo: demoSeparation(corpus, (p, a) => sparseCosine(vecs[p]!, vecs[at + a]!)),
  };
}
