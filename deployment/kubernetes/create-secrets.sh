#!/usr/bin/env sh
# Creates the Secret agent-forge-secrets with fresh random values; nothing secret is ever committed.
#   deployment/kubernetes/create-secrets.sh            creates it in the cluster (kubectl's current context)
#   deployment/kubernetes/create-secrets.sh --print    prints the manifest instead (e.g. for a sealed-secrets tool)
# The admin API key is printed once, here; the cluster keeps only its SHA-256 (API_KEYS). Add keys for other people
# by editing API_KEYS: {"name": ..., "role": "viewer|operator|admin", "sha256": <sha256sum of the key>}.
set -eu
NAMESPACE=agent-forge
random() { openssl rand -hex 32; }
sha256() { printf %s "$1" | sha256sum | cut -d' ' -f1; }

POSTGRES_PASSWORD=$(random)
REDIS_PASSWORD=$(random)
SERVICE_TOKEN=$(random)
ADMIN_KEY=$(random)
API_KEYS='[{"name": "admin", "role": "admin", "sha256": "'$(sha256 "$ADMIN_KEY")'"}]'

MODE="--dry-run=none"
[ "${1:-}" = "--print" ] && MODE="--dry-run=client -o yaml"
[ "${1:-}" = "--print" ] || kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f - >/dev/null

# shellcheck disable=SC2086
kubectl -n "$NAMESPACE" create secret generic agent-forge-secrets $MODE \
  --from-literal=POSTGRES_PASSWORD="$POSTGRES_PASSWORD" \
  --from-literal=DATABASE_URL="postgresql://forge:$POSTGRES_PASSWORD@postgres:5432/agentforge" \
  --from-literal=REDIS_PASSWORD="$REDIS_PASSWORD" \
  --from-literal=REDIS_URL="redis://:$REDIS_PASSWORD@redis:6379" \
  --from-literal=SERVICE_TOKEN="$SERVICE_TOKEN" \
  --from-literal=API_KEYS="$API_KEYS"

echo "admin API key (shown once, keep it): $ADMIN_KEY" >&2
