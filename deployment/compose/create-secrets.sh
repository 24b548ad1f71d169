#!/usr/bin/env sh
# Writes deployment/compose/secrets.env (never committed): the SERVICE_TOKEN the containers present to each other and
# API_KEYS with one admin key, whose value is printed once, here; the file keeps only its SHA-256.
set -eu
cd "$(dirname "$0")"
[ -e secrets.env ] && { echo "secrets.env exists; delete it to make new secrets" >&2; exit 1; }
ADMIN_KEY=$(openssl rand -hex 32)
umask 077
{
  echo "SERVICE_TOKEN=$(openssl rand -hex 32)"
  echo "API_KEYS=[{\"name\": \"admin\", \"role\": \"admin\", \"sha256\": \"$(printf %s "$ADMIN_KEY" | sha256sum | cut -d' ' -f1)\"}]"
} > secrets.env
echo "admin API key (shown once, keep it): $ADMIN_KEY" >&2
