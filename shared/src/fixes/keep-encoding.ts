/**
 * The file's BOM and CRLF line breaks survive whatever the edits wrote: an insertion at the very
 * start lands after the BOM, and a bare `\n` in a CRLF-only file becomes `\r\n`.
 */
export function keepEncoding(before: string, after: string): string {
  let text = after;
  if (before.startsWith('\uFEFF') && !text.startsWith('\uFEFF')) text = `\uFEFF${text.replace('\uFEFF', '')}`;
  if (before.includes('\r\n') && !/(^|[^\r])\n/.test(before)) text = text.replace(/\r?\n/g, '\r\n');
  return text;
}
