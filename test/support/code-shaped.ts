/**
 * Text that reads like a stored code rather than words: what a person should never be shown
 * outside a field that is a code by nature (an ODS code, a footprint code, a decision reference),
 * which pages mark up as `<code>` or `<pre>`.
 */
const SHAPES: [name: string, pattern: RegExp][] = [
  ["snake_case", /\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g],
  ["camelCase", /\b[a-z]+[A-Z][A-Za-z0-9]*\b/g],
  ["field path", /\b(?:about|population|contract|finance|outcomes|enablers|governance|evidence)(?:\.[A-Za-z]+|\[\d+\])+/g],
  ["raw id", /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g],
  ["placeholder", /\b(?:undefined|null|NaN)\b|\[object Object\]|(?<=\s|^)\?(?=\s|$)/g],
];

/** Every code-shaped piece of `text`, named by its shape, like `snake_case "fully_integrated"`. */
export function codeShapedText(text: string): string[] {
  const found: string[] = [];
  for (const [name, pattern] of SHAPES) {
    for (const match of text.matchAll(pattern)) found.push(`${name} "${match[0]}"`);
  }
  return found;
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", nbsp: " " };

/**
 * The text of an HTML page a person can read (visually hidden text included: a screen reader
 * reads it), without scripts, styles, `<code>` and `<pre>`, nor a text box marked as code
 * (`app-code-input`: a criterion's FEEL and its examples' answers, written by administrators as
 * code); an email address or a web address printed for someone to copy counts as words.
 */
export function readableText(html: string): string {
  return html
    .replace(/<(script|style|code|pre|template)\b[\s\S]*?<\/\1>/gi, " ")
    .replace(/<textarea\b[^>]*\bapp-code-input\b[^>]*>[\s\S]*?<\/textarea>/gi, " ")
    .replace(/<[^>]+>/g, " ")
    .replace(/&(#?\w+);/g, (whole, name: string) => ENTITIES[name] ?? whole)
    .replace(/\S+@\S+\.\S+/g, " ")
    .replace(/\bhttps?:\/\/\S+/g, " ")
    .replace(/\s+/g, " ");
}
