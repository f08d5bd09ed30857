-- Reads: GET QUIPU_PATH (a queue's attributes and counters).
dofile(os.getenv("QUIPU_BENCH_DIR") .. "/common.lua")
wrk.method = "GET"
wrk.path = os.getenv("QUIPU_PATH")
wrk.headers["Content-Type"] = nil
