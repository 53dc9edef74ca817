import type { MeshIndex, MeshModel } from '../model/types';
import { type Finding, type Fix, fixesOnce, type Severity } from '../text/findings';
import type { SeverityOverride } from '../topology/topology-file';
import type { Check } from './check';
import { isSuppressed } from './suppression';

// Between what the checks found and what a user is shown, in one place. Suppressions are a fact
// of the file's text (a `mesh-lens-disable-next-line` comment, a `mesh-lens.io/ignore` annotation),
// so they apply when a shard is checked, like the checks themselves. The severity (the user's
// settings, else the topology file's `severity:` map, else the check's own; `off` drops a finding)
// and the dropping of fixes that change nothing are the final pass, run when findings are read:
// changing a severity setting re-checks nothing.

export interface ReportOptions {
  severityOverrides?: ReadonlyMap<string, SeverityOverride>;
  /** Told when a fix builder throws: like a failing check, it is reported and offers nothing. */
  onCheckError?: (check: Check, error: unknown) => void;
  /** Looks a check up by code (the registry's, passed in so that this module does not import it). */
  checkByCode?: (code: string) => Check | undefined;
}

/** The findings a suppression does not silence. */
export function unsuppressed(model: MeshIndex, found: readonly Finding[]): Finding[] {
  return found.filter((finding) => !isSuppressed(model, finding));
}

/** The final pass: each finding at its reported severity, `off` ones dropped, empty fixes dropped. */
export function reportedFindings(
  model: MeshModel,
  found: readonly Finding[],
  options: ReportOptions = {},
): Finding[] {
  const reported: Finding[] = [];
  for (const raw of found) {
    const override = options.severityOverrides?.get(raw.code) ?? model.severityOverrides.get(raw.code);
    if (override === 'off') continue;
    reported.push(refine(raw, override as Severity | undefined, options));
  }
  return reported;
}

/** The finding as reported: the override's severity, and only fixes that change something. */
function refine(raw: Finding, severity: Severity | undefined, options: ReportOptions): Finding {
  return {
    code: raw.code,
    severity: severity ?? raw.severity,
    file: raw.file,
    range: raw.range,
    message: raw.message,
    related: raw.related,
    // Built on request, after the check returned: a builder that throws must not take a code
    // action down with it, so it is reported like a failing check and offers nothing.
    fixes: fixesOnce(() => {
      try {
        return offered(raw.fixes());
      } catch (error) {
        const check = options.checkByCode?.(raw.code);
        if (check) options.onCheckError?.(check, error);
        return [];
      }
    }),
  };
}

/**
 * A fix whose edits came out empty (its builder found nothing it could change safely, e.g. labels
 * written as a scalar) would do nothing if chosen: it is not offered. Found by fuzzing.
 */
function offered(fixes: Fix[]): Fix[] {
  const changesSomething = (fix: Fix) => fix.changes.some((change) => change.edits.length > 0);
  return fixes.every(changesSomething) ? fixes : fixes.filter(changesSomething);
}
