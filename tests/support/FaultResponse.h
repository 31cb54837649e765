#pragma once

#include "FaultServer.h"

#include <QByteArray>
#include <QList>
#include <QPair>

#include <functional>

namespace bt::test {

// What FaultServer decided to answer to one request; FaultConnection streams it.
struct FaultResponse
{
    enum class Action
    {
        Send,     // write head (+ body slice), then keep alive or close
        Handled,  // a hook answered; carry on with the next request
        CloseNow, // close without answering
    };

    enum class End
    {
        Normal, // whole slice sent (chunked: with the terminating chunk)
        Cut,    // stop after `limit` body bytes and close (chunked: mid-chunk)
        Stall,  // stop after `limit` body bytes and stay silent, socket open
    };
    Action action = Action::Send;
    QByteArray head;   // status line and headers, ending with an empty line
    QByteArray body;   // the shared representation; never copied
    qint64 offset = 0; // first byte of `body` to send
    qint64 length = 0; // bytes of `body` to send (0 for HEAD)
    bool chunked = false;
    End end = End::Normal;
    qint64 limit = -1;  // body bytes sent before Cut/Stall
    bool reset = false; // Cut closes with RST instead of FIN
    qint64 bytesPerSecond = 0;
    bool close = false; // Connection: close after a normal end
};

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// A small complete answer (errors, redirects): text body, Content-Length.
FaultResponse simpleResponse(int status, const QByteArray &body, const HeaderList &headers,
                             bool close);

// The answer for a resource, with Range/If-Range and the body-shaping faults applied.
// `sha256` gives the raw digest of the body when a header asks for "auto".
FaultResponse resourceResponse(const FaultServer::Request &request,
                               const FaultServer::Resource &resource,
                               const FaultServer::Fault &fault, bool close,
                               const std::function<QByteArray()> &sha256);

QByteArray reasonPhrase(int status);

} // namespace bt::test
