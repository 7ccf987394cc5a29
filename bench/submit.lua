-- wrk script of bench/bench_submit.py: the deadline rush, every request one participant submitting a draft
-- (mode "submit": POST /api/v1/ideas/ID/submit), or the floor's one INSERT (mode "floor/sync", "floor/async").
--   wrk -t2 -c60 -d10s -s bench/submit.lua URL -- MODE PAIRS_FILE BODY_FILE THREADS
-- PAIRS_FILE: "token idea_id" per line; each wrk thread takes every THREADS-th line. A draft is submitted
-- once, so a thread stops when its lines are used up (the harness seeds more than the run needs).
-- done(): the WRK_RESULT line, shared by every script (bench/wrk_result.lua, beside this one).
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "wrk_result.lua")
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  mode = args[1]
  local threads = tonumber(args[4])
  pairs_ = {}
  local i = 0
  for line in io.lines(args[2]) do
    if i % threads == id - 1 then
      local token, idea = line:match("^(%S+) (%S+)$")
      table.insert(pairs_, { "Bearer " .. token, idea })
    end
    i = i + 1
  end
  body = io.open(args[3]):read("*l")
  sent = 0
end

function request()
  sent = sent + 1
  local pair = pairs_[(sent - 1) % #pairs_ + 1]
  if mode == "submit" then
    return wrk.format("POST", "/api/v1/ideas/" .. pair[2] .. "/submit", { ["Authorization"] = pair[1] })
  end
  return wrk.format("POST", "/" .. mode .. "/" .. pair[2], {
    ["Idempotency-Key"] = tostring(sent), ["Content-Type"] = "application/json",
  }, body)
end

function response(status, headers, body)
  -- Every line sent: stop before a draft would be submitted twice (the in-flight rest are not counted).
  if mode == "submit" and sent >= #pairs_ then
    wrk.thread:stop()
  end
end
