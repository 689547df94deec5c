#!/usr/bin/env bash
# Push docker-save archives into idpbuilder's Gitea registry.
#
#   examples/idpbuilder-push.sh myimage.tar [more.tar ...]
#
# Credentials come from idpbuilder (or GITEA_USERNAME / GITEA_PASSWORD when already set); the
# registry's self-signed CA is fetched once and trusted with --ca-cert instead of --insecure.
set -euo pipefail
registry="${REGISTRY:-gitea.cnoe.localtest.me:8443}"
owner="${OWNER:-giteaadmin}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

if [ -z "${GITEA_USERNAME:-}" ] && command -v idpbuilder >/dev/null; then
  secrets="$(idpbuilder get secrets -p gitea -o json)"
  export GITEA_USERNAME="$(printf '%s' "$secrets" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d.get("username") or d["data"]["username"])')"
  export GITEA_PASSWORD="$(printf '%s' "$secrets" | python3 -c 'import json,sys; d=json.load(sys.stdin); d=d[0] if isinstance(d,list) else d; print(d.get("password") or d["data"]["password"])')"
fi

ca="$(mktemp)"; trap 'rm -f "$ca"' EXIT
openssl s_client -connect "$registry" -showcerts </dev/null 2>/dev/null \
  | awk '/BEGIN CERTIFICATE/,/END CERTIFICATE/' > "$ca"

for archive in "$@"; do
  name="$(basename "$archive" .tar | tr '[:upper:]' '[:lower:]')"
  "$here/scripts/hoist" push "$archive" "$registry/$owner/$name" --ca-cert "$ca"
done
