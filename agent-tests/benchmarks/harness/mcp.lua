-- wrk script of the harness: a stateless MCP `tools/call echo` POST, every variant built the same way
-- (a request() call per request), with or without a bearer token.
--
--   wrk -tT ... -s mcp.lua <url> -- TOKENS LO HI OFFSET T
--
-- TOKENS is a file with one token a line, or "none" (no Authorization header). The tokens used are
-- lines [LO, HI) of the file (0-based). Thread i of T sends the tokens at global positions
-- OFFSET + i, OFFSET + i + T, OFFSET + i + 2T, ... (modulo HI - LO), so the threads never send the
-- same token at the same time, and a follow-up run that starts at the NEXT_OFFSET this script prints
-- continues the rotation where the previous one stopped: within one server's lifetime a token comes
-- back only after HI - LO requests.

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

function init(args)
  local file = args[1] or "none"
  local lo, hi = tonumber(args[2] or "0"), tonumber(args[3] or "1")
  offset = tonumber(args[4] or "0")
  T = tonumber(args[5] or "1")
  tokens = {}
  if file ~= "none" then
    local i = 0
    for line in io.lines(file) do
      if i >= hi then break end
      if i >= lo and #line > 0 then tokens[#tokens + 1] = line end
      i = i + 1
    end
    if #tokens == 0 then error("no tokens in lines [" .. lo .. ", " .. hi .. ") of " .. file) end
  end
  n = #tokens
  k = 0
  local body = '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":"hello from wrk"}}}'
  local host = wrk.host
  if wrk.port then host = host .. ":" .. wrk.port end
  head = "POST " .. wrk.path .. " HTTP/1.1\r\nHost: " .. host
      .. "\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream\r\nContent-Length: "
      .. #body .. "\r\n"
  tail = "\r\n" .. body
end

function request()
  if n == 0 then
    k = k + 1
    return head .. tail
  end
  local idx = (offset + id + T * k) % n
  k = k + 1
  return head .. "Authorization: Bearer " .. tokens[idx + 1] .. "\r\n" .. tail
end

function done(summary, latency, requests)
  -- the next free global position: after the furthest position any thread used
  local T = #threads  -- the same as the T argument
  local furthest = -1
  for _, thread in ipairs(threads) do
    local used = thread:get("k") or 0
    local tid = thread:get("id") or 0
    local offs = thread:get("offset") or 0
    if used > 0 then
      local last = offs + tid + T * (used - 1)
      if last > furthest then furthest = last end
    end
  end
  local base = threads[1] and (threads[1]:get("offset") or 0) or 0
  if furthest < 0 then furthest = base - 1 end
  io.write(string.format("NEXT_OFFSET=%d\n", furthest + 1))
  local sent = 0
  for _, thread in ipairs(threads) do sent = sent + (thread:get("k") or 0) end
  io.write(string.format("SENT=%d\n", sent))
end
