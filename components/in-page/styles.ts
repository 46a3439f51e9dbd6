import css from './styles.css?inline';

/**
 * The in-page stylesheet (styles.css) as text, for the extension pages that show the
 * settlement preview in a <style> of their own. The content script does not use this: its
 * shadow roots receive the same file through WXT (cssInjectionMode "ui").
 */
export const IN_PAGE_CSS: string = css;
