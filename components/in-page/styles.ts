/** Styles for UI inside Seller Central's pages. They live in closed shadow roots, so the
 * page's CSS and ours never mix. */
export const IN_PAGE_CSS = `
:host { all: initial; }
:host, :root {
  --sb-text: #1f2933; --sb-bg: #fff; --sb-badge-bg: #eef1f4; --sb-accent: #0b6bcb; --sb-link: #0b5cad;
  --sb-good-bg: #e6f4ea; --sb-good-text: #0d3b1e; --sb-bad-bg: #fde8e7; --sb-bad-text: #7a1410;
  --sb-warn-bg: #fff4ce; --sb-warn-text: #3b2f00; --sb-rule: #e3e7eb; --sb-hint: #3b4752;
  --sb-bar-bg: #f7f9fb; --sb-bar-border: #cfd6dd; --sb-input-border: #6b7682;
}
@media (prefers-color-scheme: dark) {
  :host, :root {
    --sb-text: #e6e9ed; --sb-bg: #1b2129; --sb-badge-bg: #2a323c; --sb-link: #8cc4ff;
    --sb-good-bg: #0f2e1a; --sb-good-text: #b9f0c9; --sb-bad-bg: #3d1412; --sb-bad-text: #ffc9c5;
    --sb-warn-bg: #3d3200; --sb-warn-text: #ffe8a3; --sb-rule: #3a434d; --sb-hint: #c3ccd5;
    --sb-bar-bg: #1f262e; --sb-bar-border: #4a5561; --sb-input-border: #8a95a1;
  }
}
* { box-sizing: border-box; font: 13px/1.4 system-ui, sans-serif; color: var(--sb-text); }
/* The controls sit on Seller Central's own (light) rows: each brings its own background so its
   text keeps its contrast whichever theme the system asks for. */
.sb-control { display: inline-flex; gap: 6px; align-items: center; margin-left: 8px; background: var(--sb-bg); border-radius: 4px; padding: 1px 4px; }
.sb-badge { border-radius: 10px; padding: 1px 8px; background: var(--sb-badge-bg); font-size: 12px; }
.sb-badge[data-status="sent"] { background: var(--sb-good-bg); color: var(--sb-good-text); }
.sb-badge[data-status="failed"], .sb-badge[data-status="needs_reconnect"], .sb-badge[data-status="conflict"] { background: var(--sb-bad-bg); color: var(--sb-bad-text); }
button { cursor: pointer; border-radius: 4px; border: 1px solid var(--sb-accent); background: var(--sb-accent); color: #fff; padding: 3px 10px; }
button.secondary { background: var(--sb-bg); color: var(--sb-link); }
button:disabled { opacity: .6; cursor: default; }
a { color: var(--sb-link); }
.sb-overlay { position: fixed; inset: 0; background: #0007; display: flex; align-items: flex-start; justify-content: center; z-index: 2147483647; overflow: auto; }
.sb-dialog { background: var(--sb-bg); margin: 40px auto; padding: 16px 20px; border-radius: 8px; width: min(760px, 94vw); }
.sb-dialog h2 { font-size: 17px; font-weight: 600; margin: 0 0 8px; }
.sb-dialog h3 { font-size: 14px; font-weight: 600; margin: 14px 0 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--sb-rule); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sb-flag { background: var(--sb-warn-bg); color: var(--sb-warn-text); padding: 6px 8px; border-radius: 4px; margin: 8px 0; }
.sb-flag * { color: var(--sb-warn-text); }
.sb-ok { background: var(--sb-good-bg); color: var(--sb-good-text); padding: 6px 8px; border-radius: 4px; margin: 8px 0; }
.sb-error { color: var(--sb-bad-text); }
.sb-hint { font-size: 12px; color: var(--sb-hint); }
.sb-actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
.sb-bar { display: flex; gap: 12px; align-items: center; padding: 8px 10px; margin: 8px 0; border: 1px solid var(--sb-bar-border); border-radius: 6px; background: var(--sb-bar-bg); }
progress { width: 200px; }
input { border: 1px solid var(--sb-input-border); border-radius: 3px; padding: 2px 4px; width: 80px; background: var(--sb-bg); }
`;
