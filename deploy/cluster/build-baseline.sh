#!/usr/bin/env bash
# Builds the job jar of an earlier avstream version from this clone's git history, to upgrade a running
# job from it (LocalClusterITCase does; docs/deploy.md shows it by hand). Prints the jar's path; the
# jar is kept under <work dir>/baseline/<commit>/ and reused.
#
#   deploy/cluster/build-baseline.sh            the version named in deploy/cluster/upgrade-baseline
#   deploy/cluster/build-baseline.sh <git ref>  any commit, tag or branch
#
# Exit status 3 when the commit is not in this clone (a shallow clone: git fetch --unshallow).
set -euo pipefail
source "$(dirname "$0")/env.sh"

ref=${1:-$(grep -v '^#' "$cluster_home/upgrade-baseline" | grep -m1 .)}
commit=$(git -C "$repo_root" rev-parse --verify -q "$ref^{commit}") || {
  echo "commit $ref is not in this clone's history (shallow clone? git fetch --unshallow)" >&2
  exit 3
}
out="$WORK/baseline/$commit"
jar="$out/avstream-job.jar"
if [ ! -f "$jar" ]; then
  rm -rf "$out"
  mkdir -p "$out/src"
  git -C "$repo_root" archive "$commit" | tar -x -C "$out/src"
  log "building the job jar of ${commit:0:12} in $out/src"
  # package, not install: the local Maven repository keeps this checkout's snapshot artifacts
  (cd "$out/src" && $MVN -B -q $MVN_FLAGS -pl deploy -am package -DskipTests) >&2
  cp "$out/src/deploy/target/avstream-job.jar" "$jar.part"
  mv "$jar.part" "$jar"
  rm -rf "$out/src"
fi
echo "$jar"
