#!/usr/bin/env python3
"""A real SMTP server for avance's tests (aiosmtpd, `pip install aiosmtpd==1.4.6`).

It listens on 127.0.0.1 (a free port unless --port), prints "PORT <n>" once it listens, and
appends each message it accepts to --out as one JSON line: its number, envelope sender and
recipients, and the decoded subject, Message-ID, plain text and HTML parts.

  --refuse N           answers "451 try again later" to the first N messages (at DATA)
  --reject ADDRESS     answers "550 mailbox unavailable" to this recipient (repeatable)
  --hold K --release F the K-th message waits at DATA until the file F exists; F.held is
                       written when it starts waiting (a test kills the sender then)

It runs until killed.
"""

import argparse
import asyncio
import email
import email.policy
import json
import os

from aiosmtpd.smtp import SMTP


class Handler:
    def __init__(self, args):
        self.args = args
        self.count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.args.reject:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        n = self.count
        if n <= self.args.refuse:
            return "451 4.3.0 try again later"
        if n == self.args.hold:
            open(self.args.release + ".held", "w").close()
            while not os.path.exists(self.args.release):
                await asyncio.sleep(0.05)
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        record = {
            "n": n,
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
            "text": text.get_content() if text is not None else None,
            "html": html.get_content() if html is not None else None,
        }
        with open(self.args.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 2.0.0 accepted"


async def main(args):
    handler = Handler(args)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: SMTP(handler, enable_SMTPUTF8=True, hostname="smtp.prueba"), host="127.0.0.1", port=args.port
    )
    print("PORT", server.sockets[0].getsockname()[1], flush=True)
    await server.serve_forever()


if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--out", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--refuse", type=int, default=0)
    p.add_argument("--reject", action="append", default=[])
    p.add_argument("--hold", type=int, default=0)
    p.add_argument("--release", default="")
    asyncio.run(main(p.parse_args()))
