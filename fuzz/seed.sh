#!/usr/bin/env bash
# Seeds every fuzz target's corpus with the test vectors (all .tlv files under
# testvectors/, malformed ones included, and the signed .sgn files) and the kept regression inputs.
# The corpus directories are not committed (see .gitignore).
set -euo pipefail
cd "$(dirname "$0")"
for target in parse roundtrip verify build_records signed; do
  mkdir -p "corpus/$target"
  find ../testvectors \( -name '*.tlv' -o -name '*.sgn' \) -type f -exec cp -f {} "corpus/$target/" \;
  if [ -d regressions ]; then
    find regressions -type f ! -name '*.md' -exec cp -f {} "corpus/$target/" \;
  fi
done
echo "seeded: $(ls corpus/parse | wc -l) files per target"
