# script/lib/bench.sh: what every bench/ script shares, sourced right after
# `set -euo pipefail`: the stack library, cleanup traps, the wrk and innkeep
# knobs (environment, with these defaults), the packages, and the binary to
# measure in $bin (BIN=..., else an optimised build in build-bench/).
# shellcheck shell=bash

cd "$(dirname "${BASH_SOURCE[1]}")/.."
REPO=$PWD
export REPO
# shellcheck source=stack.sh
source script/lib/stack.sh
trap stack_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-32}
WRK_THREADS=${WRK_THREADS:-2}
ROUNDS=${ROUNDS:-3}
# Enough kept-alive upstream connections for wrk's concurrency, and threads
# well above them so that idle kept connections never hold every thread.
KEEPALIVE=${KEEPALIVE:-32}
THREADS=${THREADS:-48}

if [ "$KEEPALIVE" -gt 0 ] && [ "$THREADS" -le "$KEEPALIVE" ]; then
	echo "THREADS ($THREADS) must be well above worker_processes (1) x KEEPALIVE ($KEEPALIVE)" >&2
	exit 2
fi

# shellcheck disable=SC2086
stack_need_packages $STACK_PKGS_BUILD $STACK_PKGS_RUN $STACK_PKGS_BENCH
if [ -n "${BIN:-}" ]; then
	bin=$(realpath "$BIN")            # an innkeep binary of your own
else
	CFLAGS=-O2 stack_build build-bench >/dev/null
	bin=$REPO/build-bench/innkeep
fi

# median: the median of the numbers on standard input (spaces or lines).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

# bench_rate URL [wrk options...]: requests per second, as wrk prints it;
# any answer other than 2xx stops the benchmark (a rate of errors is no rate).
bench_rate() {
	local url=$1 out
	shift
	out=$(wrk -t"$WRK_THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$@" "$url")
	if echo "$out" | grep -q 'Non-2xx'; then
		echo "$out" >&2
		echo "non-2xx answers from $url" >&2
		exit 1
	fi
	echo "$out" | awk '/^Requests\/sec:/ {print $2}'
}
