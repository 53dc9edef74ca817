# Rendered manifests, checked where they will be applied: the output replaces (or adds) the file named
# by --stdin-filename, and the rest of the workspace is read from disk around it.

# A Kustomize overlay for cluster2:
kubectl kustomize overlays/cluster2 | npx --yes mesh-lens check - --stdin-filename clusters/cluster2/rendered.yaml

# A Helm chart with cluster2's values:
helm template reviews charts/reviews -f values/cluster2.yaml -n bookinfo | npx --yes mesh-lens check - --stdin-filename clusters/cluster2/reviews.yaml
