/** An edit's new text as the file writes it: with CRLF line breaks in a file that has only those. */
export function writtenLike(before: string): (text: string) => string {
  const crlf = before.includes('\r\n') && !/(^|[^\r])\n/.test(before);
  return (text) => (crlf ? text.replace(/\r?\n/g, '\r\n') : text);
}

/**
 * The file's BOM and CRLF line breaks survive whatever the edits wrote: an insertion at the very
 * start lands after the BOM, and a bare `\n` in a CRLF-only file becomes `\r\n`.
 */
export function keepEncoding(before: string, after: string): string {
  let text = after;
  if (before.startsWith('\uFEFF') && !text.startsWith('\uFEFF')) text = `\uFEFF${text.replace('\uFEFF', '')}`;
  return writtenLike(before)(text);
}
