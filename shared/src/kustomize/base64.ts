const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (with padding) of a text's UTF-8 bytes. */
export function base64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let out = '';
  for (let at = 0; at < bytes.length; at += 3) {
    const a = bytes[at] as number;
    const b = bytes[at + 1];
    const c = bytes[at + 2];
    const bits = (a << 16) | ((b ?? 0) << 8) | (c ?? 0);
    out += ALPHABET[(bits >> 18) & 63];
    out += ALPHABET[(bits >> 12) & 63];
    out += b === undefined ? '=' : ALPHABET[(bits >> 6) & 63];
    out += c === undefined ? '=' : ALPHABET[bits & 63];
  }
  return out;
}

const LINE = 70;

/**
 * A Secret's value as kustomize writes it: base64 cut into lines of 70 characters, each line ending
 * with a line break once there is more than one (its `encodeBase64`, whose line count is
 * `length / 70 + 1`: a value of exactly 70 characters ends with a break too).
 */
export function secretValue(text: string): string {
  const encoded = base64(text);
  if (Math.floor(encoded.length / LINE) + 1 <= 1) return encoded;
  let out = '';
  for (let at = 0; at < encoded.length; at += LINE) out += `${encoded.slice(at, at + LINE)}\n`;
  return out;
}
