-- The floors: the same request as a single send, to POST /api/v1/_floor (a node parses and
-- validates it, proposes nothing), or to QUIPU_FLOOR_PATH (NGINX's own constant answer).
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
wrk.method = "POST"
wrk.path = os.getenv("QUIPU_FLOOR_PATH") or "/api/v1/_floor"
wrk.body = '{"body":"' .. payload .. '"}'
