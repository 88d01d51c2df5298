# Sourced by .ci/run and .ci/node-matrix.sh: starting the example app and checking its first
# answer, the smoke test every Node version gets.

# Starts `npm start` on port $1 with the SQLite file $2, its output in $3, and waits until
# GET / answers with the flags. Leaves the app running (app_pid) for the caller's further checks;
# stop it with stop_app.
start_example_app() {
  local port=$1 sqlite_file=$2 log_file=$3 answered=""
  # Its own process group, so that stop_app ends npm and the node it started, and nothing else.
  PORT=$port SQLITE_FILE="$sqlite_file" setsid npm start >"$log_file" 2>&1 &
  app_pid=$!
  for _ in $(seq 1 60); do
    if answered=$(curl -fsS -H 'x-user-id: ada' -H 'x-plan: premium' "http://127.0.0.1:$port/" 2>/dev/null); then break; fi
    sleep 1
  done
  if ! grep -q '"new-checkout"' <<<"$answered"; then
    stop_app
    cat "$log_file"
    echo "npm start did not answer GET / with flags (node $(node --version))" >&2
    return 1
  fi
  echo "GET / -> $answered"
}

# Ends the process group start_example_app (or `setsid npm start &`) began, and waits for it so
# that its port is free again.
stop_app() {
  kill -- "-$app_pid" 2>/dev/null || true
  wait "$app_pid" 2>/dev/null || true
}
