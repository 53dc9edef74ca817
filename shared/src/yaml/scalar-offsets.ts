import type { Scalar } from 'yaml';

// Where a part of a string scalar's value is written in its file. A value is not its source text:
// quotes, escapes (`\x41`, `''`), line folding and the indentation of block scalars stand between
// them. Folding and indentation only add, drop or change whitespace, and escapes stand for one
// character each, so the value's characters other than whitespace come in the same order as the
// source's "units" (a character written as itself, or an escape). Pairing the two lists maps a
// value's characters to their source offsets exactly; a character written as an escape maps to no
// offset, so a part that contains one (or a line break) is not found rather than found wrongly.

/** The source offset of each character of the value: -1 for whitespace or a character written as an escape. */
export type ValueOffsets = Int32Array;

const NOT_WRITTEN = -1;

/**
 * The offsets of a string scalar's value in `text` (the text of the file the node is written in),
 * or undefined when its source cannot be read back to its value: a node made by a transformation
 * rather than parsed, or a source whose units do not pair with the value's characters.
 */
export function valueOffsets(text: string, node: Scalar, value: string): ValueOffsets | undefined {
  const [start, end] = node.range ?? [];
  if (start === undefined || end === undefined || end > text.length || start >= end) return undefined;
  const units = sourceUnits(text, start, end);
  if (!units) return undefined;
  const offsets = new Int32Array(value.length).fill(NOT_WRITTEN);
  let unit = 0;
  for (let index = 0; index < value.length; index++) {
    if (isBlank(value.charCodeAt(index))) continue;
    if (unit >= units.length) return undefined;
    offsets[index] = units[unit++] as number;
  }
  return unit === units.length ? offsets : undefined;
}

/**
 * The offset at which `value.slice(index, index + length)` is written as itself, on one line, or
 * undefined when it is not (written across lines, or partly as escapes).
 */
export function writtenAt(
  text: string,
  offsets: ValueOffsets,
  value: string,
  index: number,
  length: number,
): number | undefined {
  const first = offsets[index];
  if (first === undefined || first < 0) return undefined;
  for (let step = 1; step < length; step++) if (offsets[index + step] !== first + step) return undefined;
  return text.slice(first, first + length) === value.slice(index, index + length) ? first : undefined;
}

/** The offsets of the source units that make non-blank value characters (NOT_WRITTEN for escapes). */
function sourceUnits(text: string, start: number, end: number): number[] | undefined {
  switch (text[start]) {
    case '"':
      return text[end - 1] === '"' && end - start >= 2
        ? doubleQuotedUnits(text, start + 1, end - 1)
        : undefined;
    case "'":
      return text[end - 1] === "'" && end - start >= 2
        ? singleQuotedUnits(text, start + 1, end - 1)
        : undefined;
    case '|':
    case '>':
      return literalUnits(text, afterHeader(text, start, end), end);
    default:
      return literalUnits(text, start, end);
  }
}

/** A block scalar's content starts on the line after its header (`|-`, `>2`, a comment). */
function afterHeader(text: string, start: number, end: number): number {
  const lineBreak = text.indexOf('\n', start);
  return lineBreak < 0 || lineBreak >= end ? end : lineBreak + 1;
}

/** Plain and block scalars: every non-blank character stands for itself. */
function literalUnits(text: string, from: number, to: number): number[] {
  const units: number[] = [];
  for (let offset = from; offset < to; offset++) if (!isBlank(text.charCodeAt(offset))) units.push(offset);
  return units;
}

/** `''` stands for one quote, written as no single offset. */
function singleQuotedUnits(text: string, from: number, to: number): number[] {
  const units: number[] = [];
  for (let offset = from; offset < to; offset++) {
    if (isBlank(text.charCodeAt(offset))) continue;
    if (text[offset] === "'" && text[offset + 1] === "'") {
      units.push(NOT_WRITTEN);
      offset++;
    } else units.push(offset);
  }
  return units;
}

const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** An escape stands for what it decodes to; one that decodes to whitespace stands for nothing here. */
function doubleQuotedUnits(text: string, from: number, to: number): number[] | undefined {
  const units: number[] = [];
  for (let offset = from; offset < to; offset++) {
    const code = text.charCodeAt(offset);
    if (isBlank(code)) continue;
    if (text[offset] !== '\\') {
      units.push(offset);
      continue;
    }
    const escaped = text[offset + 1] ?? '';
    const digits = HEX_DIGITS[escaped];
    offset += 1 + (digits ?? 0);
    // A line break after the backslash joins the lines: it stands for nothing.
    if (escaped === '\n' || escaped === '\r') continue;
    const decoded =
      digits === undefined ? SIMPLE_ESCAPES[escaped] : hexEscape(text, offset - digits + 1, digits);
    if (decoded === undefined) return undefined;
    // Per UTF-16 unit, as the value is indexed: an escape beyond the BMP makes two.
    for (let unit = 0; unit < decoded.length; unit++)
      if (!isBlank(decoded.charCodeAt(unit))) units.push(NOT_WRITTEN);
  }
  return units;
}

function hexEscape(text: string, from: number, digits: number): string | undefined {
  const hex = text.slice(from, from + digits);
  if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== digits) return undefined;
  const code = Number.parseInt(hex, 16);
  return code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}

// YAML 1.2's escapes of one character (the `\` + line break continuation is handled apart).
const SIMPLE_ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  t: '\t',
  '\t': '\t',
  n: '\n',
  v: '\v',
  f: '\f',
  r: '\r',
  e: '\x1b',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
};

/** Whitespace that folding and indentation may add, drop or turn into other whitespace. */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}
