/** Server-rendered Italian pages for citizens (/scrivi, /valutazione): no key, no inline script. */
import type { Response } from 'express';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** A whole page; `script` is a same-origin file (the CSP allows no inline script). */
export function publicPage(opts: { title: string; body: string; script?: string }): string {
  return `<!doctype html>
<html lang="it">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>${esc(opts.title)} – Contact Center</title>
  <link rel="stylesheet" href="/style.css">
  <link rel="stylesheet" href="/public.css">
  ${opts.script ? `<script src="${esc(opts.script)}" defer></script>` : ''}
</head>
<body class="public">
  <a class="skip" href="#main">Vai al contenuto</a>
  <header class="topbar">
    <div class="brand">
      <span class="brand-mark" aria-hidden="true">CC</span>
      <div><strong>Contact Center</strong> <span class="brand-sub">Pubblica amministrazione</span></div>
    </div>
  </header>
  <main id="main" tabindex="-1" class="public-main">
${opts.body}
  </main>
</body>
</html>`;
}

export function sendPage(res: Response, status: number, opts: { title: string; body: string; script?: string }): void {
  // Citizens' pages are never cached: they may show a reference or a vote.
  res.status(status).setHeader('Cache-Control', 'no-store');
  res.type('html').send(publicPage(opts));
}
