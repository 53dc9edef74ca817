// A map from strings that is never changed, only copied with changes, and whose copy costs what the
// changes touch: its keys are hashed into a power of two of chunks, and a copy shares every chunk
// it did not change. A namespace of 8,000 names keeps its per-name data in one of these, so that an
// edit of one name copies a chunk of a few dozen entries, not 8,000.

/** About this many keys per chunk when a map is made; it doubles its chunks past four times as many. */
const KEYS_PER_CHUNK = 32;

/** FNV-1a of a string: cheap, and stable across runs (a key's chunk never depends on the process). */
export function stringHash(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) hash = Math.imul(hash ^ text.charCodeAt(index), 16777619);
  return hash >>> 0;
}

/** The part of a key that decides its chunk: keys that change together should share it. */
export type ChunkKey = (key: string) => string;

const wholeKey: ChunkKey = (key) => key;

export class ChunkedMap<V> {
  readonly #chunks: readonly ReadonlyMap<string, V>[];
  readonly #chunkKey: ChunkKey;
  readonly size: number;

  private constructor(chunks: readonly ReadonlyMap<string, V>[], size: number, chunkKey: ChunkKey) {
    this.#chunks = chunks;
    this.size = size;
    this.#chunkKey = chunkKey;
  }

  /**
   * `chunkKey`: what of a key decides its chunk (the whole key by default). Keys an edit changes
   * together then sit in one chunk, and a copy with them changed copies that chunk only.
   */
  static of<V>(entries: Iterable<readonly [string, V]>, chunkKey: ChunkKey = wholeKey): ChunkedMap<V> {
    const list = [...entries];
    return ChunkedMap.#spread(list, chunkCountFor(list.length), chunkKey);
  }

  static #spread<V>(
    entries: readonly (readonly [string, V])[],
    count: number,
    chunkKey: ChunkKey,
  ): ChunkedMap<V> {
    const chunks = Array.from({ length: count }, () => new Map<string, V>());
    for (const [key, value] of entries)
      (chunks[stringHash(chunkKey(key)) & (count - 1)] as Map<string, V>).set(key, value);
    return new ChunkedMap(
      chunks,
      chunks.reduce((sum, chunk) => sum + chunk.size, 0),
      chunkKey,
    );
  }

  get(key: string): V | undefined {
    return this.#chunks[this.#indexOf(key)]?.get(key);
  }

  #indexOf(key: string): number {
    return stringHash(this.#chunkKey(key)) & (this.#chunks.length - 1);
  }

  /** The number of chunks: a power of two; a key's chunk is `stringHash(chunkKey(key)) & (chunkCount - 1)`. */
  get chunkCount(): number {
    return this.#chunks.length;
  }

  /** The entries of one chunk. */
  chunk(index: number): ReadonlyMap<string, V> {
    return this.#chunks[index] as ReadonlyMap<string, V>;
  }

  *values(): IterableIterator<V> {
    for (const chunk of this.#chunks) yield* chunk.values();
  }

  /** Every value in one list: what `values` yields, without a generator step per value. */
  valueList(): V[] {
    const list: V[] = [];
    for (const chunk of this.#chunks)
      chunk.forEach((value) => {
        list.push(value);
      });
    return list;
  }

  *entries(): IterableIterator<[string, V]> {
    for (const chunk of this.#chunks) yield* chunk.entries();
  }

  /** A copy with `changes` applied (`undefined` deletes the key): only the chunks they touch are copied. */
  with(changes: ReadonlyMap<string, V | undefined>): ChunkedMap<V> {
    if (changes.size === 0) return this;
    const chunks = [...this.#chunks];
    const copied = new Set<number>();
    let size = this.size;
    for (const [key, value] of changes) {
      const index = this.#indexOf(key);
      let chunk = chunks[index] as Map<string, V>;
      if (!copied.has(index)) {
        chunk = new Map(chunk);
        chunks[index] = chunk;
        copied.add(index);
      }
      size -= chunk.size;
      if (value === undefined) chunk.delete(key);
      else chunk.set(key, value);
      size += chunk.size;
    }
    // Grown well past its chunks (a namespace that doubled, several times): spread again, once.
    if (size > chunks.length * KEYS_PER_CHUNK * 4) {
      const entries = [...new ChunkedMap(chunks, size, this.#chunkKey).entries()];
      return ChunkedMap.#spread(entries, chunkCountFor(size), this.#chunkKey);
    }
    return new ChunkedMap(chunks, size, this.#chunkKey);
  }
}

function chunkCountFor(size: number): number {
  let count = 1;
  while (count * KEYS_PER_CHUNK < size) count *= 2;
  return count;
}
