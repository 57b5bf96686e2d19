/**
 * User text (descriptions, ids, file names, templates) written into generated
 * comments. It must never end the comment early or start a new line of code.
 */

/** Text for a JSDoc block: `*\/` cannot close it. */
export function docText(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

/** Text for a `//` comment or a one-line doc: line breaks become spaces. */
export function lineText(text: string): string {
  return docText(text).replace(/[\r\n\u2028\u2029]+/g, ' ');
}
