-- wrk script of soak_flood.py: POSTs MCP initialize with an invalid bearer token, a new one per request.
-- A third are random text, a third a real header (real kid) over a random body and signature, a third the
-- valid token of FLOOD_VALID_TOKEN with 12 characters of its signature replaced (a full RSA check, then
-- refused). The signature's last character is kept: its unused low bits must stay zero, or the token is
-- refused as non-canonical base64url before any signature check. The path is the URL's (wrk.path), the
-- method FLOOD_METHOD's (POST when unset).
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
local valid = os.getenv("FLOOD_VALID_TOKEN")
local host = os.getenv("FLOOD_HOST")
local method = os.getenv("FLOOD_METHOD") or "POST"
local header = valid:match("^([^.]+)%.")
local body = '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18",'
  .. '"capabilities":{},"clientInfo":{"name":"flood","version":"1"}}}'
local pool = {}

local function random_text(n)
  local out = {}
  for i = 1, n do
    local k = math.random(1, 64)
    out[i] = alphabet:sub(k, k)
  end
  return table.concat(out)
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  for i = 1, 256 do
    pool[i] = random_text(math.random(20, 400))
  end
end

request = function()
  local kind = math.random(3)
  local token
  if kind == 1 then
    token = pool[math.random(#pool)] .. random_text(8)
  elseif kind == 2 then
    token = header .. "." .. pool[math.random(#pool)] .. random_text(8) .. "." .. pool[math.random(#pool)]
  else
    token = valid:sub(1, #valid - 13) .. random_text(12) .. valid:sub(-1)
  end
  return wrk.format(method, nil, {
    ["Host"] = host,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json, text/event-stream",
    ["Authorization"] = "Bearer " .. token,
  }, body)
end
