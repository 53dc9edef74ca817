import { YAML_SYNTAX } from '../yaml/parse-file';
import type { Check } from './check';

export const yamlSyntax: Check = {
  code: YAML_SYNTAX,
  name: 'yaml-syntax',
  severity: 'error',
  fileLocal: true,
  description:
    'A YAML document does not parse. `kubectl apply` rejects the whole file, and Mesh Lens cannot see the resources in that document, so checks that depend on them are silent. Fix the syntax at the reported position.',
  example: {
    wrong: `
      //- clusters/east/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        labels: { app: cart
    `,
    fixed: `
      //- clusters/east/cart.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: cart
        labels: { app: cart }
    `,
  },
  // Parse errors are found while reading each file (they are per-file facts); the check reports them.
  run: (shard) => shard.findings.filter((finding) => finding.code === YAML_SYNTAX),
};
