#!/usr/bin/env bash
# wrap.sh ARGS...: run tasdid ($TASDID_REAL) under the command prefix
# $TASDID_WRAPPER (word-split: a prefix with options, no quoting). lib.sh
# passes this script to the test instead of tasdid when TASDID_WRAPPER is
# set. exec all the way: the wrapped tasdid keeps this process's pid, so the
# scripts' $! and kill still reach it. Under valgrind each process writes
# its report to $VG_LOGS/PID.log, checked by lib.sh when the script exits.
set -eu
if [ "$(basename "${TASDID_WRAPPER%% *}")" = valgrind ]; then
  # shellcheck disable=SC2086
  exec $TASDID_WRAPPER --log-file="$VG_LOGS/%p.log" "$TASDID_REAL" "$@"
fi
# shellcheck disable=SC2086
exec $TASDID_WRAPPER "$TASDID_REAL" "$@"
