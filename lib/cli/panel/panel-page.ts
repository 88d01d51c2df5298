import { PANEL_SCRIPT } from './panel-script';

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1b1b1f; background: #f6f6f8; }
header { display: flex; flex-wrap: wrap; gap: .75rem; align-items: center; padding: .75rem 1.25rem; background: #fff; border-bottom: 1px solid #ddd; }
header h1 { font-size: 1.2rem; margin: 0 1rem 0 0; }
#status { flex: 1; margin: 0; color: #444; }
main { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.25rem; padding: 1.25rem; }
section { background: #fff; border: 1px solid #ddd; border-radius: 8px; padding: 1rem; }
#flags-section { grid-row: span 4; }
h2 { font-size: 1.05rem; margin: 0 0 .75rem; }
ul#flags { list-style: none; margin: 0; padding: 0; display: grid; gap: .75rem; }
.flag { border: 1px solid #e3e3e8; border-radius: 6px; padding: .75rem; }
.flag h3 { display: inline-block; margin: 0 .75rem .5rem 0; font-size: 1rem; font-family: ui-monospace, monospace; }
.switch { min-width: 3.5rem; border-radius: 999px; border: 1px solid #888; padding: .15rem .6rem; background: #eee; }
.switch[aria-checked="true"] { background: #1f7a3a; color: #fff; border-color: #1f7a3a; }
.variants { display: grid; grid-template-columns: max-content 1fr; gap: .1rem .75rem; margin: .5rem 0; font-family: ui-monospace, monospace; font-size: .85rem; }
.variants dd { margin: 0; }
.rules { margin: .25rem 0; padding-left: 1.25rem; font-family: ui-monospace, monospace; font-size: .85rem; }
.bars { display: flex; height: 1.4rem; border-radius: 4px; overflow: hidden; margin: .4rem 0; }
.bars span { font-size: .75rem; color: #fff; padding: .15rem .3rem; white-space: nowrap; overflow: hidden; background: #3b5bdb; }
.bars span:nth-child(2n) { background: #e8590c; }
.bars span:nth-child(3n) { background: #5f3dc4; }
.rollout label { margin-right: .75rem; }
.rollout input { width: 4rem; }
.metadata { color: #555; font-size: .85rem; margin: .25rem 0; }
.chart { display: flex; align-items: flex-end; gap: 2px; height: 32px; }
.chart span { width: 6px; background: #868e96; }
.stale { color: #a61e4d; font-size: .85rem; }
.delete { margin-top: .5rem; color: #a61e4d; }
button { font: inherit; cursor: pointer; }
button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible { outline: 3px solid #1c7ed6; outline-offset: 2px; }
textarea { width: 100%; font-family: ui-monospace, monospace; }
table { border-collapse: collapse; width: 100%; font-size: .85rem; }
th, td { text-align: left; padding: .2rem .4rem; border-bottom: 1px solid #eee; }
#message { position: fixed; bottom: 1rem; left: 50%; transform: translateX(-50%); max-width: 90%; }
#message:not(:empty) { padding: .5rem 1rem; border-radius: 6px; background: #e6fcf5; border: 1px solid #63e6be; }
#message.problem:not(:empty) { background: #fff5f5; border-color: #ffa8a8; }
@media (max-width: 900px) { main { grid-template-columns: 1fr; } }
`;

/**
 * The control panel's one page: its markup, style and script inline (allowed by their nonce and
 * nothing else), so the panel needs no files of its own at run time.
 * @internal
 */
export function panelPage(nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Flags · hybrid-flags</title>
<link rel="icon" href="data:,">
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>
  <h1>Flags</h1>
  <p id="status" role="status" aria-live="polite">Loading…</p>
  <button id="reload" type="button">Reload</button>
  <button id="push" type="button" hidden>Push the file</button>
</header>
<main>
  <section id="flags-section" aria-labelledby="flags-heading">
    <h2 id="flags-heading">Flags</h2>
    <ul id="flags"></ul>
  </section>
  <section aria-labelledby="explain-heading">
    <h2 id="explain-heading">Explain</h2>
    <form id="explain">
      <label for="context">Context (JSON): who is asking</label>
      <textarea id="context" rows="3">{"targetingKey": "user-1"}</textarea>
      <button type="submit">Explain</button>
    </form>
    <table id="explained" aria-label="Each flag for this context"></table>
  </section>
  <section aria-labelledby="create-heading">
    <h2 id="create-heading">New flag</h2>
    <form id="create">
      <p><label>Key <input id="new-key" required></label></p>
      <p><label>Variants (JSON) <textarea id="new-variants" rows="2">{"on": true, "off": false}</textarea></label></p>
      <p><label>Default variant <input id="new-default" value="off" required></label></p>
      <button type="submit">Create</button>
    </form>
  </section>
  <section aria-labelledby="evaluators-heading">
    <h2 id="evaluators-heading">Shared evaluators</h2>
    <dl id="evaluators"></dl>
  </section>
  <section aria-labelledby="audit-heading">
    <h2 id="audit-heading">Latest changes</h2>
    <ol id="audit"></ol>
  </section>
</main>
<div id="message" role="alert"></div>
<script nonce="${nonce}">${PANEL_SCRIPT}</script>
</body>
</html>
`;
}
