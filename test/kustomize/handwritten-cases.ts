// Handwritten repositories for the differential suite, inline: generators (literals, files, env
// files, options, behaviors), name references after prefixes, suffixes and hashes, and
// replacements, alone and with overlays, components and namespaces. Each is rendered by kubectl and
// by Mesh Lens and their mesh facts compared (differential.test.ts).

type Files = Record<string, string>;

const deployment = (name: string, pod: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
${pod
  .split('\n')
  .map((line) => (line ? `      ${line}` : line))
  .join('\n')}`;

const service = (name: string) => `apiVersion: v1
kind: Service
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - name: http
    port: 9080
`;

const APP_POD = `serviceAccountName: web
containers:
- name: app
  image: example/web:1
  env:
  - name: REVIEWS_URL
    valueFrom:
      configMapKeyRef:
        name: web-config
        key: REVIEWS_URL
  - name: TOKEN
    valueFrom:
      secretKeyRef:
        name: web-secret
        key: token
  - name: PLAIN
    value: plain
  envFrom:
  - configMapRef:
      name: web-env
  - secretRef:
      name: web-secret
initContainers:
- name: init
  image: example/init:1
  envFrom:
  - configMapRef:
      name: web-config
volumes:
- name: config
  configMap:
    name: web-config
- name: secret
  secret:
    secretName: web-secret
- name: data
  persistentVolumeClaim:
    claimName: web-data
- name: projected
  projected:
    sources:
    - configMap:
        name: web-env
    - secret:
        name: web-secret
`;

const LONG = 'x'.repeat(60);

const generators: Files = {
  'base/kustomization.yaml': `resources:
- deployment.yaml
- service.yaml
generatorOptions:
  labels:
    generated: "yes"
  annotations:
    note: from-options
configMapGenerator:
- name: web-config
  literals:
  - REVIEWS_URL=http://reviews.bookinfo.mesh.internal:9080
  - QUOTED="a = b"
  - 'SINGLE=''single'''
  - EMPTY=
  files:
  - app.properties
  - routes=config/routes.yaml
  - config/cert.pem
  options:
    labels:
      generated: "local"
      tier: web
- name: web-env
  envs:
  - web.env
  options:
    immutable: true
secretGenerator:
- name: web-secret
  literals:
  - token=${LONG}
  - short=abc
  files:
  - tls.crt=config/cert.pem
- name: web-tls
  type: kubernetes.io/tls
  literals:
  - tls.crt=crt
  - tls.key=key
`,
  'base/deployment.yaml': deployment('web', APP_POD),
  'base/service.yaml': service('web'),
  'base/app.properties':
    'ratings.url=http://ratings.bookinfo.mesh.internal:9080\n# a comment\nmode=<safe> & sound\n',
  'base/config/routes.yaml': 'routes:\n- host: details.bookinfo.mesh.internal\n',
  'base/config/cert.pem': '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n',
  'base/web.env':
    '\uFEFF# env file\r\nDETAILS_HOST=details.bookinfo.mesh.internal\r\n\r\n   INDENTED=yes\r\nNO_VALUE\r\nWITH_EQUALS=a=b\r\nQUOTES="kept"\r\n=no key\r\nspaced key = v \r\n',
  'overlays/east/kustomization.yaml': `resources:
- ../../base
namespace: shop
namePrefix: east-
configMapGenerator:
- name: web-config
  behavior: merge
  literals:
  - REVIEWS_URL=http://reviews.bookinfo.mesh.internl:9080
  - EXTRA=1
  options:
    labels:
      overlay: east
secretGenerator:
- name: web-secret
  behavior: replace
  literals:
  - token=replaced
`,
  'overlays/west/kustomization.yaml': `resources:
- ../../base
nameSuffix: -west
generatorOptions:
  disableNameSuffixHash: true
configMapGenerator:
- name: west-only
  literals:
  - A=1
`,
  'overlays/north/kustomization.yaml': `resources:
- ../../base
components:
- ../../components/settings
namespace: north
`,
  'components/settings/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
configMapGenerator:
- name: web-config
  behavior: merge
  literals:
  - FROM_COMPONENT=true
- name: component-config
  literals:
  - B=2
`,
};

const mergeIntoPlain: Files = {
  'base/kustomization.yaml': 'resources:\n- config.yaml\n- deployment.yaml\n',
  'base/config.yaml':
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\n  labels:\n    from: file\ndata:\n  A: "1"\n  B: "2"\n',
  'base/deployment.yaml': deployment('web', APP_POD),
  'overlay/kustomization.yaml': `resources:
- ../base
namePrefix: p-
configMapGenerator:
- name: web-config
  behavior: merge
  literals:
  - B=3
  - C=4
`,
};

const nameReferences: Files = {
  'base/kustomization.yaml': `resources:
- objects.yaml
configMapGenerator:
- name: web-config
  literals:
  - A=1
secretGenerator:
- name: web-secret
  literals:
  - token=t
`,
  'base/objects.yaml': `${deployment('web', APP_POD)}---
${service('web')}---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web
imagePullSecrets:
- name: web-secret
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-env
data:
  X: "1"
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db
spec:
  serviceName: web
  selector:
    matchLabels:
      app: db
  template:
    metadata:
      labels:
        app: db
    spec:
      serviceAccountName: web
      containers:
      - name: db
        image: example/db:1
        envFrom:
        - configMapRef:
            name: web-config
        - configMapRef:
            name: not-ours
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  tls:
  - secretName: web-secret
  defaultBackend:
    service:
      name: web
      port:
        number: 9080
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: web
            port:
              number: 9080
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 1
  maxReplicas: 3
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: reader
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata:
  name: reader
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: Role
  name: reader
subjects:
- kind: ServiceAccount
  name: web
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
spec:
  hosts:
  - web
  http:
  - route:
    - destination:
        host: web
`,
  'overlays/c1/kustomization.yaml':
    'resources:\n- ../../base\nnamePrefix: c1-\nnameSuffix: -x\nnamespace: shop\n',
  'overlays/c2/kustomization.yaml': 'resources:\n- ../../mid\nnamePrefix: c2-\n',
  'mid/kustomization.yaml': 'resources:\n- ../base\nnameSuffix: -mid\n',
};

const layers: Files = {
  'app/kustomization.yaml':
    'resources:\n- deployment.yaml\nconfigMapGenerator:\n- name: web-config\n  literals:\n  - A=1\n',
  'app/deployment.yaml': deployment(
    'web',
    'containers:\n- name: app\n  image: example/web:1\n  envFrom:\n  - configMapRef:\n      name: web-config\n',
  ),
  'a/kustomization.yaml':
    'resources:\n- ../app\nnamePrefix: a-\nconfigMapGenerator:\n- name: web-config\n  behavior: merge\n  literals:\n  - WHO=a\n',
  'b/kustomization.yaml':
    'resources:\n- ../app\nnamePrefix: b-\nconfigMapGenerator:\n- name: web-config\n  behavior: merge\n  literals:\n  - WHO=b\n',
  'top/kustomization.yaml': 'resources:\n- ../a\n- ../b\n',
};

const replacements: Files = {
  'base/kustomization.yaml': `resources:
- objects.yaml
configMapGenerator:
- name: endpoints
  literals:
  - REVIEWS=reviews.bookinfo.mesh.internal
  - URL=http://ratings.bookinfo.mesh.internal:9080/v1
replacements:
- source:
    kind: ConfigMap
    name: endpoints
    fieldPath: data.REVIEWS
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.[name=app].env.[name=REVIEWS_HOST].value
    - metadata.annotations.reviews
    options:
      create: true
  - select:
      kind: VirtualService
    reject:
    - name: other
    fieldPaths:
    - spec.hosts.0
- source:
    kind: ConfigMap
    name: endpoints
    fieldPath: data.URL
    options:
      delimiter: /
      index: 2
  targets:
  - select:
      kind: VirtualService
      labelSelector: app=web
    fieldPaths:
    - metadata.labels.upstream
    options:
      delimiter: ":"
      index: 0
- path: replacement.yaml
- path: replacements.yaml
`,
  'base/objects.yaml': `${deployment(
    'web',
    'containers:\n- name: app\n  image: example/web:1\n  env:\n  - name: REVIEWS_HOST\n    value: placeholder\n  - name: PORT\n    value: "80"\n- name: sidecar\n  image: example/sidecar:1\n',
  )}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: web
  labels:
    app: web
    upstream: old:1
spec:
  hosts:
  - placeholder
  - web
  http:
  - route:
    - destination:
        host: placeholder
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: other
spec:
  hosts:
  - other
`,
  'base/replacement.yaml': `source:
  kind: VirtualService
  name: web
  fieldPath: spec.hosts.1
targets:
- select:
    kind: VirtualService
    name: web
  fieldPaths:
  - spec.http.0.route.0.destination.host
`,
  'base/replacements.yaml': `- source:
    kind: Deployment
    fieldPath: spec.template.spec.containers.[name=app].env.[name=PORT].value
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.template.spec.containers.*.ports.0.containerPort
    options:
      create: true
`,
  'overlay/kustomization.yaml': `resources:
- ../base
namePrefix: o-
namespace: shop
replacements:
- source:
    kind: ConfigMap
    name: endpoints
    fieldPath: metadata.name
  targets:
  - select:
      kind: VirtualService
      name: other
    fieldPaths:
    - spec.hosts.[=other]
`,
  'component-overlay/kustomization.yaml': 'resources:\n- ../base\ncomponents:\n- ../component\n',
  'component/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1alpha1
kind: Component
replacements:
- source:
    kind: Deployment
    name: web
    fieldPath: metadata.labels.app
  targets:
  - select:
      kind: VirtualService
      name: web
    fieldPaths:
    - spec.hosts.2
    options:
      create: true
`,
};

// kubectl refuses each of these overlays; Mesh Lens must say what it left out (a note, MESH192).
const refused: Files = {
  'base/kustomization.yaml': 'resources:\n- deployment.yaml\n',
  'base/deployment.yaml': deployment('web', 'containers:\n- name: app\n  image: example/web:1\n'),
  'no-equals/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  literals:\n  - NOEQUALS\n',
  'missing-file/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  files:\n  - missing.txt\n',
  'merge-nothing/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  behavior: merge\n  literals:\n  - A=1\n',
  'twice/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  literals:\n  - A=1\n- name: c\n  literals:\n  - B=1\n',
  'repeated-key/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  literals:\n  - A=1\n  - A=2\n',
  'outside/kustomization.yaml':
    'resources:\n- ../base\nconfigMapGenerator:\n- name: c\n  files:\n  - ../base/deployment.yaml\n',
  'no-source/kustomization.yaml': `resources:
- ../base
replacements:
- source:
    kind: ConfigMap
    name: none
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - metadata.name
`,
  'no-field/kustomization.yaml': `resources:
- ../base
replacements:
- source:
    kind: Deployment
    name: web
  targets:
  - select:
      kind: Deployment
    fieldPaths:
    - spec.missing.field
`,
};

const namespaces: Files = {
  'base/kustomization.yaml': `resources:
- deployment.yaml
configMapGenerator:
- name: web-config
  namespace: apps
  env: web.env
  literals:
  - |-
    MULTI=line one
    line two
  - "ESCAPED=tab\\there"
  options:
    disableNameSuffixHash: true
    immutable: true
secretGenerator:
- name: web-secret
  namespace: apps
  type: kubernetes.io/tls
  literals:
  - tls.crt=crt
  - tls.key=key
`,
  'base/deployment.yaml': deployment(
    'web',
    'containers:\n- name: app\n  image: example/web:1\n  envFrom:\n  - configMapRef:\n      name: web-config\n',
  ).replace('  name: web\n  labels', '  name: web\n  namespace: apps\n  labels'),
  'base/web.env': 'A=1\n',
  'overlay/kustomization.yaml': `resources:
- ../base
namespace: prod
nameSuffix: -p
configMapGenerator:
- name: web-config
  namespace: apps
  behavior: merge
  literals:
  - B=2
`,
};

// A strategic-merge patch with a target sets labels and annotations rather than merging them: a
// null there becomes the text "null" and `labels: null` is ignored; elsewhere a null deletes. The
// same patch without a target deletes.
const nullsInTargetedPatches: Files = {
  'base/kustomization.yaml': 'resources: [reviews.yaml]\n',
  'base/reviews.yaml': `apiVersion: v1
kind: Service
metadata:
  name: reviews
  labels: { app: reviews, solo.io/service-scope: global, tier: back }
  annotations: { a: "1", b: "2" }
spec:
  selector: { app: reviews, tier: back }
  ports: [{ port: 9080, name: http }]
`,
  'targeted/kustomization.yaml': `resources: [../base]
patches:
  - target: { kind: Service, name: reviews }
    patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: null }
        annotations: { a: null }
      spec:
        selector: { tier: null }
  - target: { kind: Service }
    patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: any
        labels: null
`,
  'plain/kustomization.yaml': `resources: [../base]
patches:
  - patch: |-
      apiVersion: v1
      kind: Service
      metadata:
        name: reviews
        labels: { solo.io/service-scope: null }
        annotations: { a: null }
`,
};

export const HANDWRITTEN_CASES: Record<string, Files> = {
  generators,
  'generator-merge-into-plain': mergeIntoPlain,
  'name-references': nameReferences,
  'name-references-by-layer': layers,
  'generator-namespaces': namespaces,
  replacements,
  'refused-generators-and-replacements': refused,
  'nulls-in-targeted-patches': nullsInTargetedPatches,
};
