#!/usr/bin/env bash
# Checks that the C++ lines changed since a base commit follow .clang-format (clang-format 14,
# Debian's `clang-format`). Only the changed lines are checked (clang-format --lines), so code
# written before .clang-format existed is left as it is; the tree is never reformatted whole.
#
#   scripts/check-format.sh            base: the last commit that touched .clang-format-base
#   scripts/check-format.sh REF        base: REF (a branch, tag or commit, e.g. origin/main)
#   scripts/check-format.sh --fix [REF]  reformat those lines in place instead of checking
#
# Changed lines are those of `git diff BASE` (committed since BASE plus uncommitted edits) in
# *.h / *.cpp files. The default base is found from history, so it works in any clone with full
# history; moving it forward is a commit that edits .clang-format-base. (In a shallow clone the
# base may be the only commit there is, and nothing is checked.)
# Exit status: 0 clean, 1 formatting differs (clang-format prints where), 2 usage or setup error.
set -euo pipefail
cd "$(dirname "$0")/.."

fix=0
if [ "${1:-}" = "--fix" ]; then fix=1; shift; fi
if [ $# -gt 1 ]; then sed -n '2,13s/^# \{0,1\}//p' "$0" >&2; exit 2; fi

CF=${CLANG_FORMAT:-clang-format}
if ! command -v "$CF" >/dev/null; then
  echo "check-format: '$CF' not found; install Debian's clang-format (scripts/setup.sh)" >&2
  exit 2
fi
case "$("$CF" --version)" in
  *" 14."*) ;;
  *) echo "check-format: warning: .clang-format is tuned for clang-format 14; got: $("$CF" --version)" >&2 ;;
esac

if [ $# -eq 1 ]; then
  base=$1
else
  base=$(git log -1 --format=%H -- .clang-format-base)
  if [ -z "$base" ]; then echo "check-format: no commit touches .clang-format-base; give a base ref" >&2; exit 2; fi
fi
git rev-parse --verify --quiet "$base^{commit}" >/dev/null || { echo "check-format: unknown base '$base'" >&2; exit 2; }

status=0
checked=0
while IFS= read -r file; do
  [ -f "$file" ] || continue
  # "@@ -a,b +c,d @@": lines c .. c+d-1 of the new file changed (d defaults to 1; d = 0 is a pure deletion).
  ranges=()
  while IFS= read -r r; do ranges+=("--lines=$r"); done < <(
    git diff -U0 --no-color "$base" -- "$file" |
      sed -n 's/^@@ -[0-9,]* +\([0-9]*\)\(,\([0-9]*\)\)\{0,1\} @@.*/\1 \3/p' |
      awk '{ n = ($2 == "") ? 1 : $2; if (n > 0) print $1 ":" ($1 + n - 1) }')
  ((${#ranges[@]})) || continue
  checked=$((checked + 1))
  if ((fix)); then
    "$CF" -i --style=file "${ranges[@]}" "$file"
  elif ! "$CF" --dry-run -Werror --style=file "${ranges[@]}" "$file"; then
    status=1
  fi
done < <(git diff --name-only --diff-filter=ACMR "$base" -- '*.h' '*.cpp' ':!tests/data')

if ((fix)); then
  echo "check-format: formatted the changed lines of $checked file(s) since $(git rev-parse --short "$base")"
elif ((status)); then
  echo "check-format: the lines above do not follow .clang-format; scripts/check-format.sh --fix formats them" >&2
else
  echo "check-format: $checked changed file(s) since $(git rev-parse --short "$base") follow .clang-format"
fi
exit $status
