-- The floor: the same request as a single send, to POST /api/v1/_floor, which proposes nothing.
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = "/api/v1/_floor"
wrk.body = '{"body":"' .. payload .. '"}'
