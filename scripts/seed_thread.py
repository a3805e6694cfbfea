"""Builds, over HTTP, a community with one answered query for scripts/load-thread and prints
the thread's path and a signed-in member's session cookie ("PATH COOKIE").

An administrator made with `solex user add --admin` (its one-time link) creates the community
and moderates it; a member made the same way joins, is approved, asks a query, and the two
exchange replies, each approved from the queue as a moderator would.
Usage: python3 scripts/seed_thread.py BASE_URL SOLEX_BINARY   (the portal's environment set)
"""
import http.cookiejar
import re
import subprocess
import sys
import urllib.parse
import urllib.request

BASE, SOLEX = sys.argv[1], sys.argv[2]
PW = "samalkha foundry cupola"
SLUG = "foundry-energy"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    def __init__(self):
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def send(self, path, data=None, ctype=None):
        req = urllib.request.Request(BASE + path, data=data, headers={"Content-Type": ctype} if ctype else {})
        try:
            with self.opener.open(req) as r:
                return r.status, r.headers, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode()

    def cookie(self, name):
        return next((c.value for c in self.jar if c.name == name), None)

    def get(self, path):
        status, _, body = self.send(path)
        assert status < 400, f"GET {path}: {status} {body[:500]}"
        return body

    def post(self, path, fields, expect=(200, 303), multipart=False):
        if self.cookie("solex_csrf") is None:
            self.get("/")
        fields = [("csrf", self.cookie("solex_csrf"))] + list(fields)
        if multipart:
            # Posts and replies come from a form that may carry attachments.
            boundary = "seedThreadBoundary7MA4YWxk"
            parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in fields]
            data = ("".join(parts) + f"--{boundary}--\r\n").encode()
            ctype = f"multipart/form-data; boundary={boundary}"
        else:
            data = urllib.parse.urlencode(fields).encode()
            ctype = "application/x-www-form-urlencoded"
        status, headers, body = self.send(path, data, ctype)
        assert status in expect, f"POST {path}: {status} {body[:800]}"
        return headers.get("Location", ""), body


def account(email, name, admin):
    args = [SOLEX, "user", "add", "--name", name, email] + (["--admin"] if admin else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True)
    link = re.search(r"https?://\S+token=\S+", out.stdout + out.stderr).group(0)
    path = link[len(BASE):]
    token = urllib.parse.unquote(path.split("token=")[1])
    b = Browser()
    b.get(path)
    b.post("/password/reset", [("token", token), ("password", PW)], expect=(200,))
    b.post("/login", [("email", email), ("password", PW)], expect=(303,))
    return b


def approve_waiting(moderator):
    queue = moderator.get(f"/c/{SLUG}/queue")
    for post_id in sorted(set(re.findall(r'href="/c/' + SLUG + r'/queue/(\d+)"', queue))):
        review = moderator.get(f"/c/{SLUG}/queue/{post_id}")
        version = re.search(r'name="version" value="(\d+)"', review).group(1)
        moderator.post(f"/c/{SLUG}/queue/{post_id}/decide", [("version", version), ("action", "approve")], expect=(303,))


admin = account("admin@example.org", "Asha Admin", True)
member = account("alice@example.org", "Alice Ahuja", False)
admin.post("/admin/communities", [("name", "Energy efficiency in foundries"), ("slug", SLUG), ("description", "Cutting coke use in cupolas"), ("theme", "energy-efficiency"), ("moderators", "admin@example.org")], expect=(303,))
member.post(f"/c/{SLUG}/join", [], expect=(303,))
members = admin.get(f"/c/{SLUG}/members")
uid = re.search(r'action="/c/' + SLUG + r'/members/(\d+)"', members).group(1)
admin.post(f"/c/{SLUG}/members/{uid}", [("decision", "approve")], expect=(303,))

body = ("Our cupola in Howrah burns about 140 kg of coke per tonne of molten iron. "
        "We melt grey iron for pump castings, two heats a day, and the blower is 30 years old. "
        "What have other foundries changed first to bring the coke rate down, and what did it cost?")
location, _ = member.post(f"/c/{SLUG}/posts", [("title", "How do we cut coke use in a small cupola?"), ("body", body), ("themes", "energy-efficiency")], expect=(303,), multipart=True)
thread = re.search(r"/c/[^/]+/t/\d+", location).group(0)
root = thread.rsplit("/", 1)[1]
approve_waiting(admin)
replies = [
    (admin, "The divided-blast cupola is the change most foundries in Samalkha made first: a second row of tuyeres above the first. Coke use fell by 20 to 30 percent, and the retrofit paid for itself within a year."),
    (member, "Thank you. Did they change the blower as well, or only the tuyeres? Our blower is old and we do not know its delivery."),
    (admin, "Measure the air first: a pitot tube and a manometer give the delivery in a morning. Several units found the blower was fine and the leaks in the wind box were the loss."),
    (member, "We measured it: 20 percent below its plate. We will seal the wind box and then try the second row of tuyeres."),
    (admin, "Keep a log of coke charged per heat and of tapping temperature before and after, so the change can be seen and shared with the cluster."),
]
for who, text in replies:
    who.post(f"{thread}/reply", [("body", text)], expect=(303,), multipart=True)
approve_waiting(admin)
page = member.get(thread)
shown = len(re.findall(r'id="post-\d+"', page))
assert shown >= len(replies), f"only {shown} posts shown on {thread}"
print(thread, f"solex_session={member.cookie('solex_session')}")
