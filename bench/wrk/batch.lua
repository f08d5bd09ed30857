-- Batches: QUIPU_BATCH messages of QUIPU_BODY_BYTES per request, to QUIPU_PATH (/messages:batch).
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
local size = tonumber(os.getenv("QUIPU_BATCH") or "100")
local one = '{"body":"' .. payload .. '"}'
local messages = {}
for i = 1, size do
  messages[i] = one
end
wrk.method = "POST"
wrk.path = os.getenv("QUIPU_PATH")
wrk.body = '{"messages":[' .. table.concat(messages, ",") .. ']}'
