#!/usr/bin/python3
"""FTP server for the tests: pyftpdlib (Debian's python3-pyftpdlib).

usage: ftpserver.py ROOT USER PASSWORD [--limit BYTES_PER_SECOND]
Listens on a free 127.0.0.1 port and prints "PORT <n>" on stdout once it accepts
connections. Every command is logged on stderr (REST offsets included).
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer


def main():
    root, user, password = sys.argv[1:4]
    args = sys.argv[4:]
    handler_class = FTPHandler
    if "--limit" in args:
        dtp = ThrottledDTPHandler
        dtp.write_limit = int(args[args.index("--limit") + 1])
        handler_class.dtp_handler = dtp

    authorizer = DummyAuthorizer()
    authorizer.add_user(user, password, root, perm="elradfmwMT")
    handler_class.authorizer = authorizer
    handler_class.passive_ports = None
    logging.basicConfig(stream=sys.stderr, level=logging.DEBUG, format="%(message)s")
    server = FTPServer(("127.0.0.1", 0), handler_class)
    print("PORT %d" % server.socket.getsockname()[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
