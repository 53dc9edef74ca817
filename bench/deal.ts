// How the two-thread parse floor (bench/floor.ts --workers N) shares the files out.

/** Largest file first, each to the share with the fewest bytes so far. */
export function deal(files: { path: string; bytes: number }[], shares: number): string[][] {
  const result = Array.from({ length: shares }, () => ({ bytes: 0, paths: [] as string[] }));
  for (const file of [...files].sort((a, b) => b.bytes - a.bytes)) {
    const lightest = result.reduce((min, share) => (share.bytes < min.bytes ? share : min));
    lightest.bytes += file.bytes;
    lightest.paths.push(file.path);
  }
  return result.map((share) => share.paths);
}
