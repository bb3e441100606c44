#!/usr/bin/env bash
# Build static/css/bootstrap.min.css: Bootstrap 5.3.9 compiled from only the
# partials listed in uhapo-bootstrap.scss, then stripped of every selector the
# templates (and crispy-forms' templates) never use, then minified.
#
# Needs node and npm (the npm registry) and the project's .venv (to find
# crispy-forms). Installs into a throwaway folder; nothing is left behind.
# Run it again whenever a template starts using a Bootstrap class it did not
# use before, and commit the output.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
out="$root/static/css/bootstrap.min.css"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/package-lock.json" "$here/uhapo-bootstrap.scss" \
  "$here/purgecss.config.cjs" "$work/"
cd "$work"
npm ci --no-audit --no-fund --ignore-scripts --silent >/dev/null

crispy_dirs="$("$python" -c 'import os, crispy_forms, crispy_bootstrap5 as b
print(":".join(os.path.dirname(m.__file__) for m in (crispy_forms, b)))')"

sass_flags=(--no-source-map --load-path=node_modules --quiet-deps
  --silence-deprecation=import --silence-deprecation=global-builtin
  --silence-deprecation=color-functions --silence-deprecation=if-function)
npx --no-install sass "${sass_flags[@]}" --style=expanded uhapo-bootstrap.scss full.css
PROJECT_ROOT="$root" CRISPY_DIRS="$crispy_dirs" \
  npx --no-install purgecss --config purgecss.config.cjs --css full.css --output purged.css
npx --no-install sass "${sass_flags[@]}" --style=compressed purged.css "$out"

printf 'wrote %s: %s bytes (compiled before trimming: %s bytes)\n' \
  "${out#"$root"/}" "$(wc -c <"$out")" "$(wc -c <full.css)"
