-- Shared by the wrk scripts of ./quipu bench: the bearer token and the JSON content type from the
-- environment, a message body of QUIPU_BODY_BYTES, and one machine-readable result line.

token = os.getenv("QUIPU_TOKEN")
body_bytes = tonumber(os.getenv("QUIPU_BODY_BYTES") or "1024")
payload = string.rep("x", body_bytes)

wrk.headers["Authorization"] = "Bearer " .. token
wrk.headers["Content-Type"] = "application/json"
-- The log seq of the queue's creation (bench/run-wrk): a follower answers only once it has applied it.
local min_seq = os.getenv("QUIPU_MIN_SEQ")
if min_seq and min_seq ~= "0" then
  wrk.headers["X-Quipu-Min-Seq"] = min_seq
end

threads = {}

function setup(thread)
  table.insert(threads, thread)
end

-- What the thread scripts count (messages acknowledged, for example), summed over threads.
function thread_sum(name)
  local total = 0
  for _, t in ipairs(threads) do
    total = total + (t:get(name) or 0)
  end
  return total
end

function result_line(summary, latency, extra)
  local e = summary.errors
  io.write(string.format(
    "RESULT requests=%d duration_us=%d non2xx=%d socket_errors=%d p50_us=%d p99_us=%d max_us=%d%s\n",
    summary.requests, summary.duration, e.status, e.connect + e.read + e.write + e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max, extra or ""))
end

function done(summary, latency, requests)
  result_line(summary, latency)
end
