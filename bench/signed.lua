-- wrk script for signed HyperCard requests: each request carries its own pre-signed
-- nonce from the pool file BENCH_POOL (lines `nonce<TAB>signature`, made by
-- `bench-tool sign-pool`); thread i of n takes lines i, i+n, i+2n, ... Past the end of
-- its share a thread starts again at the top (bench.py sizes pools so that the sandbox
-- never gets there; the ceiling does not care).
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  local threads = tonumber(os.getenv("BENCH_THREADS"))
  local path = os.getenv("BENCH_PATH")
  local body = os.getenv("BENCH_BODY")
  local timestamp = os.getenv("BENCH_TIMESTAMP")
  local api_key = os.getenv("BENCH_API_KEY")
  pool = {}
  size = 0
  local line_no = 0
  for line in io.lines(os.getenv("BENCH_POOL")) do
    if line_no % threads == id then
      local nonce, signature = line:match("([^\t]+)\t([^\t]+)")
      size = size + 1
      pool[size] = wrk.format("POST", path, {
        ["content-type"] = "application/json",
        ["timestamp"] = timestamp,
        ["nonce"] = nonce,
        ["api-key"] = api_key,
        ["version"] = "1.0",
        ["signature"] = signature,
      }, body)
    end
    line_no = line_no + 1
  end
  next_index = 0
end

function request()
  next_index = next_index + 1
  if next_index > size then
    next_index = 1
  end
  return pool[next_index]
end
