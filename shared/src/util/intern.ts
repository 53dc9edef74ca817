// The same few words fill every manifest: `app`, `v1`, `TCP`, `8080`, namespace and service
// names. The YAML parser makes a new string for each occurrence, and the facts keep them: 12 MB of
// copies at 50,000 resources. Interning the short ones keeps one copy each. A host owns its table
// (in its session cache; a file's source carries it to the parser, `SourceFile.strings`), so two hosts share none
// and a host's strings go with it. The table is bounded and simply starts over when full, so a long
// session of typing cannot grow it without limit; strings compare by value, so a string interned
// twice is only a missed saving.

import type { CacheSlot } from './session-cache';

const MAX_INTERNED_LENGTH = 64;
const MAX_TABLE_SIZE = 100_000;

export class StringTable {
  readonly #table = new Map<string, string>();

  /** The table's copy of `text` (short strings only: long ones rarely repeat). */
  intern(text: string): string {
    if (text.length > MAX_INTERNED_LENGTH) return text;
    const known = this.#table.get(text);
    if (known !== undefined) return known;
    if (this.#table.size >= MAX_TABLE_SIZE) this.#table.clear();
    this.#table.set(text, text);
    return text;
  }
}

/** A host's string table, in its session cache. */
export const INTERNED_STRINGS: CacheSlot<StringTable> = {
  name: 'interned strings',
  create: () => new StringTable(),
};
