# Shared by the load scripts (sourced): a release portal on SQLite or PostgreSQL with the demo
# content, and nginx serving a copy of the bytes the portal sent, so each run has its peer.
# Sets `work` (a temporary folder removed on exit) and `pids` (stopped on exit).
PG_SERVER=${PG_SERVER:-postgres://postgres@127.0.0.1:5432}
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "needs wrk and nginx: apt-get install wrk nginx-light" >&2; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

cargo build --release --quiet
solex_bin=${CARGO_TARGET_DIR:-target}/release/solex
work=$(mktemp -d)
chmod 755 "$work"  # nginx workers run as another user
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# portal_env BACKEND [CONTENT_DIR]: a fresh database and the portal's environment, exported
# (demo content from content/ unless CONTENT_DIR). Sets `port` and `base`.
portal_env() {
  port=$(free_port)
  local db
  case $1 in
    sqlite) db="sqlite://$work/solex-$port.db" ;;
    postgres)
      local name="solex_load_$port"
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $name" -c "CREATE DATABASE $name" >/dev/null
      db="$PG_SERVER/$name?sslmode=disable" ;;
    *) echo "unknown backend $1" >&2; exit 2 ;;
  esac
  base="http://127.0.0.1:$port"
  export DATABASE_URL="$db" SOLEX_INDEX_DIR="$work/index-$port" SOLEX_CONTENT_DIR="${2:-$PWD/content}" \
    SOLEX_OUTBOX_DIR="$work/outbox-$port" SOLEX_ATTACHMENTS_DIR="$work/attachments-$port" SOLEX_BIND="127.0.0.1:$port" \
    SOLEX_BASE_URL="$base" SOLEX_WORKERS=2 RUST_LOG=warn
}

# serve_portal: starts the portal in that environment and waits until it answers. Sets `solex_pid`.
serve_portal() {
  "$solex_bin" serve >"$work/solex-$port.log" 2>&1 &
  solex_pid=$!
  pids+=("$solex_pid")
  for _ in $(seq 1 150); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
}

start_portal() { portal_env "$@"; serve_portal; }

# start_nginx PATH FILE: nginx (2 workers, as the portal) serves FILE's bytes at PATH. Sets `nginx_base`.
start_nginx() {
  local nport; nport=$(free_port)
  mkdir -p "$work/www$(dirname "$1")" "$work/nginx"
  cp "$2" "$work/www$1"
  cat >"$work/nginx/nginx.conf" <<CONF
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  default_type text/html;
  client_body_temp_path $work/nginx; proxy_temp_path $work/nginx; fastcgi_temp_path $work/nginx;
  uwsgi_temp_path $work/nginx; scgi_temp_path $work/nginx;
  server { listen 127.0.0.1:$nport; root $work/www; }
}
CONF
  nginx -c "$work/nginx/nginx.conf" -g 'daemon off;' &
  pids+=($!)
  nginx_base="http://127.0.0.1:$nport"
  for _ in $(seq 1 50); do curl -fs "$nginx_base$1" >/dev/null && break; sleep 0.1; done
}

# wrk_rate ARGS...: runs wrk (2 threads, $CONNS connections, $DURATION), shows its rate, errors
# and percentiles on stderr and prints the rate.
wrk_rate() {
  wrk -t2 -c"${CONNS:-64}" -d"${DURATION:-10s}" --latency "$@" | tee "$work/wrk.out" | grep -E 'Requests/sec|Non-2xx|Socket errors| 50%| 99%' >&2
  awk '/Requests\/sec/ {print $2}' "$work/wrk.out"
}
ratio() { python3 -c "print(f'{$1/$2:.2f}x')"; }
peak_rss() { awk '/VmHWM/ {print $2, $3}' "/proc/$1/status"; }
