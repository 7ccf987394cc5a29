-- wrk script of `make bench` (bench/bench_scoring.py): every request a judge's autosave of one idea,
-- with a new Idempotency-Key (mode "save"), a key already used (mode "replay"), or the floor's one INSERT.
--   wrk -t2 -c60 -d10s -s bench/load.lua URL -- MODE PAIRS_FILE BODIES_FILE NONCE THREADS
-- PAIRS_FILE: "token idea_id" per line; each wrk thread takes every THREADS-th line, so two requests in
-- flight never save the same judge's set (which would only measure the row lock).
-- done(): the WRK_RESULT line, shared by every script (bench/wrk_result.lua, beside this one).
dofile(debug.getinfo(1, "S").source:sub(2):match("^(.*/)") .. "wrk_result.lua")
local next_id = 1

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
end

function init(args)
  mode, nonce = args[1], args[4]
  local threads = tonumber(args[5])
  pairs_, bodies = {}, {}
  local i = 0
  for line in io.lines(args[2]) do
    if i % threads == id - 1 then
      local token, idea = line:match("^(%S+) (%S+)$")
      table.insert(pairs_, { "Bearer " .. token, idea })
    end
    i = i + 1
  end
  for line in io.lines(args[3]) do
    table.insert(bodies, line)
  end
  sent = 0
  if mode == "save" or mode == "replay" then
    method, prefix = "PUT", "/api/v1/ideas/"
  else -- "floor/sync" or "floor/async"
    method, prefix = "POST", "/" .. mode .. "/"
  end
end

function request()
  sent = sent + 1
  -- A replay laps over the thread's first 64 lines: the warm-up's first lap stores their answers.
  local lap = mode == "replay" and math.min(#pairs_, 64) or #pairs_
  local slot = (sent - 1) % lap + 1
  local pair = pairs_[slot]
  local key
  if mode == "replay" then
    key = string.format("replay-%s-%d-%d", nonce, id, slot) -- the same key (and body) each lap
  else
    key = string.format("%s-%d-%d", nonce, id, sent)
  end
  local body = bodies[(mode == "replay" and slot or sent) % #bodies + 1]
  local path = prefix .. pair[2] .. (prefix == "/api/v1/ideas/" and "/scores" or "")
  return wrk.format(method, path, {
    ["Authorization"] = pair[1],
    ["Idempotency-Key"] = key,
    ["Content-Type"] = "application/json",
  }, body)
end
