import { SKIPPED_CONTENT } from '../yaml/parse-file';
import type { Check } from './check';

export const skippedContent: Check = {
  code: SKIPPED_CONTENT,
  name: 'skipped-content',
  severity: 'info',
  fileLocal: true,
  description:
    'A document or file was deliberately not analysed: a Helm/Go template (a `{{ … }}` action that breaks the YAML or is read as structure; one in a comment or a string value does not count), a binary file, text that is not UTF-8, a file over the size limit, or a file or folder Mesh Lens may not read (the message gives the reason; the rest of the workspace is still analysed). Nothing is wrong with the mesh; Mesh Lens just cannot see these resources. Check rendered manifests instead of templates.',
  example: {
    wrong: `
      //- charts/cart/templates/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: {{ .Release.Name }}-cart
    `,
    fixed: `
      //- rendered/cart/service.yaml
      apiVersion: v1
      kind: Service
      metadata:
        name: shop-cart
    `,
  },
  run: (shard) => shard.findings.filter((finding) => finding.code === SKIPPED_CONTENT),
};
