"""The SMTP server the tests send to: aiosmtpd on 127.0.0.1, keeping every accepted message in
a Maildir with its envelope in X-MailFrom and X-RcptTo headers. While the file given by
--refuse-flag exists it answers 451 (try again later) to every recipient, as a mail server
in trouble does; while the file given by --slow-flag exists it takes that many milliseconds
over each message, as a busy one does."""

import argparse
import asyncio
import mailbox
import os
import signal
import threading

from aiosmtpd.controller import Controller


class Sink:
    def __init__(self, maildir, refuse_flag, slow_flag):
        self.box = mailbox.Maildir(maildir, create=True)
        self.refuse_flag = refuse_flag
        self.slow_flag = slow_flag
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_flag and os.path.exists(self.refuse_flag):
            return "451 4.3.0 Temporarily unable to accept mail, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.slow_flag and os.path.exists(self.slow_flag):
            with open(self.slow_flag) as f:
                await asyncio.sleep(int(f.read().strip() or "0") / 1000)
        head = "X-MailFrom: {}\r\nX-RcptTo: {}\r\n".format(envelope.mail_from, ", ".join(envelope.rcpt_tos)).encode()
        content = envelope.original_content or envelope.content
        if isinstance(content, str):
            content = content.encode()
        # Maildir writes under tmp/ and renames into new/, so readers never see half a message.
        with self.lock:
            self.box.add(head + content)
        return "250 OK: queued"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--maildir", required=True)
    ap.add_argument("--refuse-flag")
    ap.add_argument("--slow-flag")
    args = ap.parse_args()
    controller = Controller(Sink(args.maildir, args.refuse_flag, args.slow_flag), hostname="127.0.0.1", port=args.port)
    controller.start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    main()
