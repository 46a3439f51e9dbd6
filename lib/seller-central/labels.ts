/**
 * Seller Central's header and switcher labels as people read them: whitespace collapsed,
 * the trailing " ." some layouts render after a label removed (docs/domain.md#seller-central), capped.
 */
export function cleanLabel(raw: string | null | undefined): string | undefined {
  const t = raw
    ?.replace(/\s+/g, ' ')
    .replace(/\s+\.$/, '')
    .trim();
  return t ? t.slice(0, 200) : undefined;
}
