-- wrk script: sign-ins refused for want of a CSRF token, each connection sending one every
-- INTERVAL_MS (10 connections at 50 ms offer 200 a second).
local interval = tonumber(os.getenv("INTERVAL_MS") or "50")
function request()
  return wrk.format("POST", "/login", { ["Content-Type"] = "application/x-www-form-urlencoded" }, "email=someone%40example.org&password=a+guess")
end
function delay()
  return interval
end
