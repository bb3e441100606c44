-- Valid booking submissions, each with its own CSRF cookie and token and its
-- own submission token (idempotency key), read from a file bench/run.py wrote:
-- one line per request, "<csrf cookie>\t<urlencoded form>".
--
-- Usage: wrk -t2 -c32 -d12s -s submit.lua URL -- FILE THREADS SECONDS
--
-- Each thread takes every THREADS-th line. After SECONDS (or when its lines
-- run out) a thread stops sending: the requests still in flight finish and
-- are counted, so nothing is saved by the server that wrk did not see
-- answered. wrk's -d must be a little longer than SECONDS for that drain.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clk_id, bench_timespec *tp);
]]
local ts = ffi.new("bench_timespec")
local function now()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC, shared by both threads
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local threads = {}
local counter = 0

setup = function(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

init = function(args)
  local file, nthreads, seconds = args[1], tonumber(args[2]), tonumber(args[3])
  cookies, bodies = {}, {}
  local n = 0
  for line in io.lines(file) do
    if n % nthreads == id then
      local tab = line:find("\t", 1, true)
      cookies[#cookies + 1] = line:sub(1, tab - 1)
      bodies[#bodies + 1] = line:sub(tab + 1)
    end
    n = n + 1
  end
  nlines = #bodies
  reserved, sent = 0, 0
  s2xx, s3xx, s4xx, s5xx, other = 0, 0, 0, 0, 0
  exhausted = 0
  started = now()
  stop_at = started + seconds
  first_sent, last_answer = 0, 0
end

delay = function()
  -- Decide here, before request() is called, so a line is never sent twice.
  -- (wrk calls request() once more, on the first thread, to check the script
  -- before the run; that call uses a line but sends nothing, hence the - 1.)
  if reserved >= #bodies - 1 then
    exhausted = 1
    return 3600000
  end
  if now() >= stop_at then
    return 3600000
  end
  reserved = reserved + 1
  if first_sent == 0 then first_sent = now() end
  return 0
end

request = function()
  sent = sent + 1
  return wrk.format("POST", "/book/", {
    ["Cookie"] = "csrftoken=" .. cookies[sent],
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }, bodies[sent])
end

response = function(status, headers, body)
  last_answer = now()
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  elseif status >= 200 then s2xx = s2xx + 1
  else other = other + 1 end
end

done = function(summary, latency, requests)
  local t = { reserved = 0, s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, other = 0, exhausted = 0,
              nlines = 0 }
  local first, last = nil, 0
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + thread:get(k)
    end
    local f, l = thread:get("first_sent"), thread:get("last_answer")
    if f > 0 and (first == nil or f < first) then first = f end
    if l > last then last = l end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH-JSON {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, '
      .. '"sent": %d, "s2xx": %d, "s3xx": %d, "s4xx": %d, "s5xx": %d, "other": %d, '
      .. '"exhausted": %d, "lines": %d, "window_s": %.4f}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    t.reserved, t.s2xx, t.s3xx, t.s4xx, t.s5xx, t.other, t.exhausted, t.nlines,
    (first and (last - first)) or 0))
end
