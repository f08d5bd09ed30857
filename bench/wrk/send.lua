-- Single sends: one message of QUIPU_BODY_BYTES per request, to QUIPU_PATH (a queue's /messages).
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = os.getenv("QUIPU_PATH")
wrk.body = '{"body":"' .. payload .. '"}'
