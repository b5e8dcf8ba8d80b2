#!/usr/bin/env bash
# bench/tmpl_bench.sh: build and run bench/tmpl_bench.c, the micro-benchmark of
# the template renderer alone (no server, no database): ns per page and MB/s,
# the median of RUNS runs.
#
#   bench/tmpl_bench.sh
#   PAGES=20000 RUNS=5 ITEMS=100 bench/tmpl_bench.sh
#   LIB=path/to/libinnkeep.a bench/tmpl_bench.sh    (that library; no build)
#
# It builds the optimised library in build-bench/ (CFLAGS=-O2, as bench/healthz.sh
# does), links the benchmark against it and runs it with the repository's
# templates/ for the home page figure. See docs/benchmarks.md.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
REPO=$PWD
# shellcheck source=../script/lib/stack.sh
source script/lib/stack.sh
trap stack_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PAGES=${PAGES:-20000}
RUNS=${RUNS:-5}
ITEMS=${ITEMS:-100}

# shellcheck disable=SC2086
stack_need_packages $STACK_PKGS_BUILD
if [ -n "${LIB:-}" ]; then
	lib=$(realpath "$LIB")
else
	CFLAGS=-O2 stack_build build-bench >/dev/null
	lib=$REPO/build-bench/libinnkeep.a
fi

stack_run_dir
exe=$STACK_RUN_DIR/tmpl_bench
# shellcheck disable=SC2046
gcc -O2 -std=c17 -D_GNU_SOURCE -Wall -Wextra -I"$REPO/src" -pthread -o "$exe" \
	bench/tmpl_bench.c "$lib" \
	$(pkg-config --cflags --libs libxml-2.0 jansson fcgi libpq libsodium)

echo "library: $lib; machine: $(nproc) CPUs, $(uname -r)"
tdir=()
[ -d "$REPO/templates" ] && tdir=(-t "$REPO/templates")
"$exe" -n "$PAGES" -r "$RUNS" -i "$ITEMS" "${tdir[@]}"
