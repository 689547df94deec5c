# Sourced by scripts/test and scripts/demo: installs the programs hoist's tests and demo use, where
# they are missing and this machine can (Debian, as root). Prints what it does.
ensure_prereqs() {
  local need=() cmd pkg
  for pair in "docker-registry:docker-registry" "skopeo:skopeo" "openssl:openssl" "htpasswd:apache2-utils" "dockerd:docker.io" \
              "java:openjdk-17-jdk-headless" "mvn:maven" "curl:curl" "python3:python3" "/usr/bin/time:time" \
              "ssh:openssh-client" "ssh-keygen:openssh-client" "tmux:tmux" "zsh:zsh" "fish:fish" \
              "gzip:gzip" "zstd:zstd"; do
    cmd="${pair%%:*}"; pkg="${pair#*:}"
    command -v "$cmd" >/dev/null 2>&1 || need+=("$pkg")
  done
  [ ${#need[@]} -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing: ${need[*]}" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
  else
    echo "missing: ${need[*]} (install them, e.g. apt-get install ${need[*]})" >&2
    return 1
  fi
}
