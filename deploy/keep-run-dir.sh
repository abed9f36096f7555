#!/bin/sh
# keep-run-dir COMMAND [ARG...]: run the command (a distributed run's master, `simspace run`),
# then keep the container alive for KEEP_RUN_DIR_S seconds (default 3600) so that `kubectl cp`
# can fetch the run directory (kubectl cp needs a running container); exit with the command's
# exit code, so the Job says how the run ended. SIGTERM or SIGINT (`kubectl delete`) is passed
# on to the command, which then stops and keeps what it observed; while waiting, it ends the wait.

# Set before the command starts, so no signal can come between: $! is the command once started.
trap 'kill -TERM "$!" 2>/dev/null' TERM INT
"$@" &
child=$!
while :; do
    wait "$child"
    code=$?
    # a trapped signal makes `wait` return early: wait again until the command is gone
    kill -0 "$child" 2>/dev/null || break
done
trap 'exit "$code"' TERM INT
keep_s=${KEEP_RUN_DIR_S:-3600}
echo "keep-run-dir: '$1' exited with code $code; the container stays ${keep_s}s for kubectl cp" >&2
sleep "$keep_s" &
wait "$!"
exit "$code"
