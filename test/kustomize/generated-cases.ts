export function generatedCases(_count: number, _seed: number): Record<string, string>[] {
  return [];
}
