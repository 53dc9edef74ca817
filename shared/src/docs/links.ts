import type { Check } from '../checks/check';

/** Where the diagnostic catalogue is published; each code has its own section (docs/diagnostics.md). */
export const DOCS_BASE = 'https://github.com/mesh-lens/mesh-lens/blob/main/docs/diagnostics.md';

export function docsUrl(check: Pick<Check, 'code' | 'name'>): string {
  return `${DOCS_BASE}#${check.code.toLowerCase()}-${check.name}`;
}
