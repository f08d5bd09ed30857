-- Produce and consume with acks on one queue (QUIPU_PATH is the queue's path): each wrk thread
-- sends, receives up to 10 and acks what it received, one request at a time per connection. A
-- receive's receipts become the body of an ack that goes out before anything else. Counted:
-- messages sent (2xx) and messages acked; the figure is acked messages per second.
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
local queue = os.getenv("QUIPU_PATH")
local send_body = '{"body":"' .. payload .. '"}'
local acks = {}
local turn = 0
sent = 0
acked = 0

function request()
  if #acks > 0 then
    return wrk.format("POST", queue .. "/messages:ack", nil, table.remove(acks, 1))
  end
  turn = turn + 1
  if turn % 2 == 1 then
    return wrk.format("POST", queue .. "/messages", nil, send_body)
  end
  return wrk.format("POST", queue .. "/messages:receive", nil,
    '{"max":10,"waitSeconds":0,"visibilityTimeoutSeconds":60}')
end

function response(status, headers, body)
  if status >= 300 then
    return
  end
  local n = body:match('^{"acked":(%d+)') or body:match('"acked":(%d+)')
  if n then
    acked = acked + tonumber(n)
    return
  end
  local receipts = {}
  for receipt in body:gmatch('"receipt":"([^"]+)"') do
    table.insert(receipts, '"' .. receipt .. '"')
  end
  if #receipts > 0 then
    table.insert(acks, '{"receipts":[' .. table.concat(receipts, ",") .. ']}')
  elseif body:find('"seq"') then
    sent = sent + 1
  end
end

function done(summary, latency, requests)
  result_line(summary, latency,
    string.format(" sent=%d acked=%d", thread_sum("sent"), thread_sum("acked")))
end
