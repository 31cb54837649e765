#pragma once

#include <QSslConfiguration>
#include <optional>

class QObject;
class QTcpServer;

namespace bt::rpc {

// The TCP (or, with a TLS configuration, TLS) listener the RPC's HTTP server is bound to.
// Every connection it accepts is watched before Qt HttpServer reads it: a request that piles
// up more than 1 MiB (and some headers) unanswered is cut with 413 instead of being held in
// memory (Qt 6.4's HttpServer has no body limit of its own).
QTcpServer *makeListener(const std::optional<QSslConfiguration> &tls, QObject *parent);

} // namespace bt::rpc
