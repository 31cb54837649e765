#!/usr/bin/python3
"""FTP server for the tests: pyftpdlib (Debian's python3-pyftpdlib).

usage: ftpserver.py ROOT USER PASSWORD [--limit BYTES_PER_SECOND] [--tls CERT KEY]
Listens on a free 127.0.0.1 port and prints "PORT <n>" on stdout once it accepts
connections. Every command is logged on stderr (REST offsets included).

--tls: explicit FTPS (AUTH TLS), required on the control and the data connections.
"""
import logging
import sys

from pyftpdlib.authorizers import DummyAuthorizer
from pyftpdlib.handlers import FTPHandler, ThrottledDTPHandler
from pyftpdlib.servers import FTPServer


def tls_handlers(cert, key):
    from pyftpdlib.handlers import TLS_DTPHandler, TLS_FTPHandler

    class DataChannel(TLS_DTPHandler):
        # pyftpdlib 1.5.7 closes a data connection that turns readable before RETR/STOR
        # arrived, taking it for a peer that went away (DTPHandler.readable). libcurl (like
        # most clients but Python's ftplib) starts the data connection's TLS handshake right
        # after connecting, before the command: its ClientHello is what is readable, and the
        # close made every FTPS transfer fail ("Bad PASV/EPSV response", curl 7.88).
        def readable(self):
            if self._ssl_accepting:
                return True
            return super().readable()

    class ControlChannel(TLS_FTPHandler):
        pass

    ControlChannel.certfile = cert
    ControlChannel.keyfile = key
    ControlChannel.tls_control_required = True
    ControlChannel.tls_data_required = True
    ControlChannel.dtp_handler = DataChannel
    return ControlChannel


def main():
    root, user, password = sys.argv[1:4]
    args = sys.argv[4:]
    handler_class = FTPHandler
    if "--tls" in args:
        at = args.index("--tls")
        handler_class = tls_handlers(args[at + 1], args[at + 2])
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
