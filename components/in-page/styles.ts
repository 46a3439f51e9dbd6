/** Styles for UI inside Seller Central's pages. They live in closed shadow roots, so the
 * page's CSS and ours never mix. */
export const IN_PAGE_CSS = `
:host { all: initial; }
* { box-sizing: border-box; font: 13px/1.4 system-ui, sans-serif; color: #1f2933; }
.sb-control { display: inline-flex; gap: 6px; align-items: center; margin-left: 8px; }
.sb-badge { border-radius: 10px; padding: 1px 8px; background: #eef1f4; font-size: 12px; }
.sb-badge[data-status="sent"] { background: #e6f4ea; color: #0d3b1e; }
.sb-badge[data-status="failed"], .sb-badge[data-status="needs_reconnect"], .sb-badge[data-status="conflict"] { background: #fde8e7; color: #7a1410; }
button { cursor: pointer; border-radius: 4px; border: 1px solid #0b6bcb; background: #0b6bcb; color: #fff; padding: 3px 10px; }
button.secondary { background: #fff; color: #0b6bcb; }
button:disabled { opacity: .6; cursor: default; }
a { color: #0b5cad; }
.sb-overlay { position: fixed; inset: 0; background: #0007; display: flex; align-items: flex-start; justify-content: center; z-index: 2147483647; overflow: auto; }
.sb-dialog { background: #fff; margin: 40px auto; padding: 16px 20px; border-radius: 8px; width: min(760px, 94vw); }
.sb-dialog h2 { font-size: 17px; font-weight: 600; margin: 0 0 8px; }
.sb-dialog h3 { font-size: 14px; font-weight: 600; margin: 14px 0 4px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid #e3e7eb; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sb-flag { background: #fff4ce; color: #3b2f00; padding: 6px 8px; border-radius: 4px; margin: 8px 0; }
.sb-ok { background: #e6f4ea; color: #0d3b1e; padding: 6px 8px; border-radius: 4px; margin: 8px 0; }
.sb-error { color: #7a1410; }
.sb-hint { font-size: 12px; color: #3b4752; }
.sb-actions { display: flex; gap: 8px; justify-content: flex-end; margin-top: 12px; }
.sb-bar { display: flex; gap: 12px; align-items: center; padding: 8px 10px; margin: 8px 0; border: 1px solid #cfd6dd; border-radius: 6px; background: #f7f9fb; }
progress { width: 200px; }
input { border: 1px solid #9aa5b1; border-radius: 3px; padding: 2px 4px; width: 80px; }
`;
