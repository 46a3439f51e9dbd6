import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build } from 'wxt';
import { DEV_CHROME_KEY } from '../../lib/extension-ids';
import { LOCALES } from '../../lib/i18n';
import { CATALOGS } from '../../lib/i18n-catalogs';
import { sellerCentralMatchPatterns } from '../../lib/marketplaces';

// Pins what the built extension asks the browser for. Widening any of this must be a
// deliberate change to this file, reviewed with the reason.
// notifications: one browser notification per problem (failed send, connection lost), with
// a switch on the Settlements page to turn them off.
const EXPECTED_PERMISSIONS = ['alarms', 'identity', 'notifications', 'storage'];
const MV3_DEFAULT_CSP = "script-src 'self'; object-src 'self';";

type Manifest = Record<string, unknown> & {
  permissions?: string[];
  host_permissions?: string[];
  content_scripts?: { matches: string[] }[];
  content_security_policy?: unknown;
};

const noop = () => {};
const quietLogger = {
  debug: noop,
  log: noop,
  info: noop,
  success: noop,
  start: noop,
  box: noop,
  warn: console.warn,
  error: console.error,
  fatal: console.error,
  level: 0,
};

let outDir: string;
const manifests: Record<'chrome' | 'firefox', Manifest> = {} as never;
const outputFiles: Record<'chrome' | 'firefox', string[]> = {} as never;
const localeMessages: Record<
  'chrome' | 'firefox',
  Record<string, Record<string, { message: string }>>
> = {} as never;

beforeAll(async () => {
  outDir = await mkdtemp(join(tmpdir(), 'settlebridge-manifest-'));
  for (const browser of ['chrome', 'firefox'] as const) {
    const target = join(outDir, browser);
    await build({ browser, outDir: target, logger: quietLogger as never });
    const dir = browser === 'chrome' ? 'chrome-mv3' : 'firefox-mv2';
    manifests[browser] = JSON.parse(await readFile(join(target, dir, 'manifest.json'), 'utf8'));
    outputFiles[browser] = await readdir(join(target, dir), { recursive: true });
    localeMessages[browser] = {};
    for (const locale of await readdir(join(target, dir, '_locales')).catch(() => [] as string[])) {
      localeMessages[browser][locale] = JSON.parse(
        await readFile(join(target, dir, '_locales', locale, 'messages.json'), 'utf8'),
      );
    }
  }
}, 120_000);

afterAll(async () => {
  await rm(outDir, { recursive: true, force: true });
});

describe('built manifest', () => {
  const hosts = sellerCentralMatchPatterns().sort();

  it('asks Chrome only for storage, alarms, identity and notifications, and hosts only on Seller Central', () => {
    const m = manifests.chrome;
    expect(m.manifest_version).toBe(3);
    expect([...(m.permissions ?? [])].sort()).toEqual(EXPECTED_PERMISSIONS);
    expect([...(m.host_permissions ?? [])].sort()).toEqual(hosts);
    expect(m.optional_permissions).toBeUndefined();
    expect(m.optional_host_permissions).toBeUndefined();
  });

  it('gives a local Chrome build the fixed id the relay allows by default', () => {
    // lib/extension-ids.ts: the public key fixes the unpacked id; store builds (RELAY_URL set)
    // carry no key.
    expect(manifests.chrome.key).toBe(DEV_CHROME_KEY);
    expect(manifests.firefox.key).toBeUndefined();
  });

  it('asks Firefox for the same and names its gecko id', () => {
    const m = manifests.firefox;
    // MV2 keeps host permissions inside `permissions`.
    expect([...(m.permissions ?? [])].sort()).toEqual([...EXPECTED_PERMISSIONS, ...hosts].sort());
    expect(m.browser_specific_settings).toMatchObject({
      gecko: { id: 'settlebridge@settlebridge.app', data_collection_permissions: { required: ['none'] } },
    });
  });

  it.each(['chrome', 'firefox'] as const)('never matches every URL or lets web pages connect (%s)', (b) => {
    const text = JSON.stringify(manifests[b]);
    expect(text).not.toContain('<all_urls>');
    expect(text).not.toMatch(/\*:\/\/\*\//);
    expect(manifests[b].externally_connectable).toBeUndefined();
  });

  // The one web-accessible file: the in-page stylesheet, which WXT's cssInjectionMode "ui"
  // fetches from the content script to put into each closed shadow root (a content script
  // may fetch only what is web-accessible). Chrome: Seller Central hosts only, and behind a
  // per-session URL (use_dynamic_url) so no page can probe for the extension by a fixed
  // address. Firefox MV2 has no per-entry hosts; its moz-extension address is random per
  // install. A style sheet holds nothing a page could not see on screen.
  it('makes only the in-page stylesheet web-accessible, to Seller Central pages (chrome)', () => {
    const war = manifests.chrome.web_accessible_resources as { matches?: string[] }[] | undefined;
    expect(war?.map((w) => ({ ...w, matches: [...(w.matches ?? [])].sort() }))).toEqual([
      { resources: ['content-scripts/seller-central.css'], use_dynamic_url: true, matches: hosts },
    ]);
  });

  it('makes only the in-page stylesheet web-accessible (firefox)', () => {
    expect(manifests.firefox.web_accessible_resources).toEqual(['content-scripts/seller-central.css']);
  });

  it.each(['chrome', 'firefox'] as const)(
    'runs the content script on Seller Central hosts only (%s)',
    (b) => {
      const scripts = manifests[b].content_scripts ?? [];
      expect(scripts).toHaveLength(1);
      expect([...(scripts[0]?.matches ?? [])].sort()).toEqual(hosts);
      // Our styles go into our own shadow roots only (cssInjectionMode 'ui'), never the page.
      expect((scripts[0] as { css?: string[] } | undefined)?.css).toBeUndefined();
    },
  );

  it.each(['chrome', 'firefox'] as const)('opens the switcher with a keyboard shortcut (%s)', (b) => {
    const command = b === 'firefox' ? '_execute_browser_action' : '_execute_action';
    expect(manifests[b].commands).toMatchObject({ [command]: { suggested_key: { default: 'Alt+Shift+S' } } });
  });

  it.each(['chrome', 'firefox'] as const)(
    "leaves the popup benchmark's blank page out of the shipped build (%s)",
    (b) => {
      // entrypoints/bench-blank.html is built only when SETTLEBRIDGE_BENCH=1 (wxt.config.ts).
      expect(outputFiles[b].filter((f) => f.includes('bench-blank'))).toEqual([]);
      expect(outputFiles[b]).toContain('popup.html');
      expect(JSON.stringify(manifests[b])).not.toContain('bench-blank');
    },
  );

  it('keeps the extension pages CSP no looser than MV3 default', () => {
    const csp = manifests.chrome.content_security_policy as { extension_pages?: string } | undefined;
    // Absent means Chrome applies MV3's default; if set, it must be exactly that default.
    if (csp !== undefined) expect(csp.extension_pages).toBe(MV3_DEFAULT_CSP);
    const fx = manifests.firefox.content_security_policy;
    if (fx !== undefined) expect(fx).not.toMatch(/unsafe-eval|unsafe-inline|https?:/);
  });

  it.each(['chrome', 'firefox'] as const)(
    'names and describes the extension in all six languages through _locales (%s)',
    (b) => {
      const m = manifests[b] as Manifest & { commands?: Record<string, { description?: string }> };
      expect(m.default_locale).toBe('en');
      expect(m.name).toBe('__MSG_name__');
      expect(m.description).toBe('__MSG_description__');
      const command = b === 'firefox' ? '_execute_browser_action' : '_execute_action';
      expect(m.commands?.[command]?.description).toBe('__MSG_openSwitcher__');
      const messages = localeMessages[b];
      expect(Object.keys(messages).sort()).toEqual([...LOCALES].sort());
      for (const locale of LOCALES) {
        const own = messages[locale]!;
        expect(Object.keys(own).sort(), locale).toEqual(['description', 'name', 'openSwitcher']);
        // The stores cut a description longer than 132 characters.
        expect(own.description!.message.length, locale).toBeLessThanOrEqual(132);
        expect(own.description!.message, locale).toBe(CATALOGS[locale]['manifest.description']);
      }
      expect(messages.de!.description!.message).toMatch(/Abrechnungen/);
      expect(messages.en!.name!.message).toBe('Settlebridge');
    },
  );
});
