// @vitest-environment happy-dom
import { describe, expect, it } from 'vitest';
import { contentRoot, pageAddress, pageText } from './page-text.js';

function doc(html: string): Document {
  const d = document.implementation.createHTMLDocument('');
  d.documentElement.innerHTML = html;
  return d;
}

const ARTICLE_PAGE = `
<head><title>Sourdough at home</title><meta name="description" content="A starter, a loaf, a hot oven.">
<script>var tracking = "SCRIPT TEXT";</script><style>.x{color:red}</style></head>
<body>
  <header class="site"><a href="/">Commonplace</a><nav><a href="/a">Sports</a><a href="/b">Travel</a></nav></header>
  <main>
    <article>
      <header><h1>Bake your first loaf</h1><p>Flour, water, salt and patience.</p></header>
      <p>Feed the starter the night before and let the dough rise slowly.</p>
      <div hidden>HIDDEN PROMO</div>
      <p style="display: none">INLINE HIDDEN</p>
      <p aria-hidden="true">ARIA HIDDEN</p>
      <form><label>Subscribe</label><button>FORM BUTTON</button></form>
      <ul class="tags"><li><a href="/t/bread">bread</a></li><li><a href="/t/baking">baking</a></li></ul>
      <div data-locus-slot="inline">AD SLOT</div>
      <noscript>NOSCRIPT</noscript>
    </article>
    <aside>RELATED LINKS</aside>
  </main>
  <footer>FOOTER COPYRIGHT</footer>
</body>`;

describe('pageText', () => {
  it('keeps title, description and the article (with its headline), nothing else', () => {
    const text = pageText(doc(ARTICLE_PAGE));
    expect(text).toBe(
      'Sourdough at home A starter, a loaf, a hot oven. Bake your first loaf Flour, water, salt and patience. ' +
        'Feed the starter the night before and let the dough rise slowly.',
    );
  });

  it('finds the content without <article> or <main> by where the paragraphs are', () => {
    const d = doc(`<head><title>T</title></head><body>
      <div id="menu"><p>Home</p><p>About us and our team</p></div>
      <div id="story"><div class="body">
        <p>The marathon starts at dawn and the runners line up along the river.</p>
        <p>Twenty-six miles later the finish line waits in the old town square.</p>
      </div></div>
      <div id="footer"><p>Copyright notice, all rights reserved.</p></div></body>`);
    expect(contentRoot(d)?.className).toBe('body');
    expect(pageText(d)).toBe(
      'T The marathon starts at dawn and the runners line up along the river. Twenty-six miles later the finish line waits in the old town square.',
    );
  });

  it('uses og:description when there is no meta description, and caps the length', () => {
    const long = 'word '.repeat(5000);
    const d = doc(
      `<head><title>T</title><meta property="og:description" content="OG"></head><body><main><p>${long}</p></main></body>`,
    );
    const text = pageText(d);
    expect(text.startsWith('T OG word word')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(8000);
  });

  it('keeps only origin and path of an address', () => {
    expect(pageAddress('https://news.example/a/b?utm=1&session=abc#top')).toBe('https://news.example/a/b');
    expect(pageAddress('not a url')).toBe('not a url');
  });
});
