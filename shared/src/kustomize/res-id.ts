import type { YAMLMap } from 'yaml';
import { childOf, textOf } from './tree';

/** What kustomize identifies an object by: its group, version, kind, name and namespace. */
export interface ResId {
  group: string;
  version: string;
  kind: string;
  name: string;
  namespace: string;
}

/** The current id of a rendered object, read from its tree. */
export function idOf(node: YAMLMap): ResId {
  const apiVersion = textOf(childOf(node, 'apiVersion')) ?? '';
  const slash = apiVersion.lastIndexOf('/');
  // The metadata map read once, and no path arrays: ids are read for every object at every step of
  // a rendering, again at each edit of a base.
  const metadata = childOf(node, 'metadata');
  return {
    group: slash < 0 ? '' : apiVersion.slice(0, slash),
    version: slash < 0 ? apiVersion : apiVersion.slice(slash + 1),
    kind: textOf(childOf(node, 'kind')) ?? '',
    name: textOf(childOf(metadata, 'name')) ?? '',
    namespace: textOf(childOf(metadata, 'namespace')) ?? '',
  };
}

// The kinds kustomize knows to be cluster-scoped (from the Kubernetes OpenAPI schema it carries),
// by group and kind. Kinds it does not know, custom resources included, count as namespaced, as in
// kustomize: a `namespace:` is set on a Gateway API GatewayClass too.
const CLUSTER_SCOPED = new Set([
  '/Namespace',
  '/Node',
  '/PersistentVolume',
  '/ComponentStatus',
  'rbac.authorization.k8s.io/ClusterRole',
  'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'apiregistration.k8s.io/APIService',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'storage.k8s.io/StorageClass',
  'storage.k8s.io/CSIDriver',
  'storage.k8s.io/CSINode',
  'storage.k8s.io/VolumeAttachment',
  'scheduling.k8s.io/PriorityClass',
  'node.k8s.io/RuntimeClass',
  'policy/PodSecurityPolicy',
  'networking.k8s.io/IngressClass',
  'certificates.k8s.io/CertificateSigningRequest',
  'flowcontrol.apiserver.k8s.io/FlowSchema',
  'flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration',
  'authentication.k8s.io/TokenReview',
  'authorization.k8s.io/SubjectAccessReview',
  'authorization.k8s.io/SelfSubjectAccessReview',
  'authorization.k8s.io/SelfSubjectRulesReview',
]);

export function isClusterScoped(id: Pick<ResId, 'group' | 'kind'>): boolean {
  return CLUSTER_SCOPED.has(`${id.group}/${id.kind}`);
}

/** The namespace kustomize compares ids by: none for cluster-scoped kinds, `default` when unset. */
export function effectiveNamespace(id: ResId): string {
  if (isClusterScoped(id)) return '';
  return id.namespace === '' ? 'default' : id.namespace;
}

/** Whether two ids name the same object, as kustomize matches a patch to the object it patches. */
export function sameId(a: ResId, b: ResId): boolean {
  return (
    a.group === b.group &&
    a.version === b.version &&
    a.kind === b.kind &&
    a.name === b.name &&
    effectiveNamespace(a) === effectiveNamespace(b)
  );
}
