// The same few words fill every manifest: `app`, `v1`, `TCP`, `8080`, namespace and service
// names. The YAML parser makes a new string for each occurrence, and the facts keep them: 12 MB of
// copies at 50,000 resources. Interning the short ones keeps one copy each. The table is bounded
// and simply starts over when full, so a long session of typing cannot grow it without limit;
// strings compare by value, so a string interned twice is only a missed saving.

const MAX_INTERNED_LENGTH = 64;
const MAX_TABLE_SIZE = 100_000;
const table = new Map<string, string>();

export function intern(text: string): string {
  if (text.length > MAX_INTERNED_LENGTH) return text;
  const known = table.get(text);
  if (known !== undefined) return known;
  if (table.size >= MAX_TABLE_SIZE) table.clear();
  table.set(text, text);
  return text;
}
