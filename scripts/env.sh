# shellcheck shell=bash
# Source this file to get Node >= 22.19 and pnpm first on PATH without touching the system Node.
# Node comes from the npm registry's `node` package, installed into a cache folder once.
parley_node_major=24
parley_pnpm_version=10.34.8
parley_cache="${PARLEY_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/parley}"
parley_tools="$parley_cache/tools-node${parley_node_major}-pnpm${parley_pnpm_version}"

parley_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if ! parley_node_ok || ! command -v pnpm >/dev/null 2>&1 || [ "$(pnpm --version 2>/dev/null)" != "$parley_pnpm_version" ]; then
  if [ ! -x "$parley_tools/node_modules/.bin/node" ] || [ ! -x "$parley_tools/node_modules/.bin/pnpm" ]; then
    echo "parley: installing node@${parley_node_major} and pnpm@${parley_pnpm_version} into $parley_tools" >&2
    mkdir -p "$parley_tools"
    npm install --no-audit --no-fund --loglevel=error --prefix "$parley_tools" \
      "node@${parley_node_major}" "pnpm@${parley_pnpm_version}" >&2 || return 1 2>/dev/null || exit 1
  fi
  export PATH="$parley_tools/node_modules/.bin:$PATH"
fi
unset -f parley_node_ok
