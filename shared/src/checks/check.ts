import type { MeshModel } from '../model/types';
import type { Finding, Severity } from '../text/findings';

/** One diagnostic code of SPEC §7: what it is, how it is documented, and how it is found. */
export interface Check {
  code: string;
  /** The kebab-case name after the code in SPEC §7. */
  name: string;
  severity: Severity;
  /** What goes wrong at runtime and how to fix it: one paragraph, shown in docs, hover and SARIF. */
  description: string;
  /**
   * A minimal workspace that triggers the check and the same workspace fixed, in the inline format
   * (`//- path` headers). docs/diagnostics.md is generated from it, and a test proves that `wrong`
   * triggers this code and `fixed` does not.
   */
  example: { wrong: string; fixed: string };
  run(model: MeshModel): Finding[];
}
