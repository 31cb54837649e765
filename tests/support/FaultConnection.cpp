#include "FaultConnection.h"

#include <QTcpSocket>

#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>

namespace bt::test {

namespace {
constexpr qint64 kSlice = 256 * 1024;      // one write
constexpr qint64 kHighWater = 1024 * 1024; // don't queue more than this in the socket
constexpr qint64 kMaxHead = 1024 * 1024;   // a request head larger than this is refused
constexpr int kThrottleTickMs = 10;
} // namespace

FaultConnection::FaultConnection(QTcpSocket *socket, Handler handler, QObject *parent)
    : QObject(parent), m_socket(socket), m_handler(std::move(handler))
{
    m_socket->setParent(this);
    m_rng ^= quint32(socket->peerPort()) * 2654435761u;
    m_throttleTimer.setSingleShot(true);
    connect(&m_throttleTimer, &QTimer::timeout, this, &FaultConnection::pump);
    connect(m_socket, &QTcpSocket::readyRead, this, &FaultConnection::onReadyRead);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_state == State::Sending)
            pump();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &FaultConnection::onDisconnected);
    // Data may have arrived before we connected to readyRead.
    if (m_socket->bytesAvailable() > 0)
        QMetaObject::invokeMethod(this, &FaultConnection::onReadyRead, Qt::QueuedConnection);
}

FaultConnection::~FaultConnection()
{
    m_throttleTimer.stop();
    disconnect(m_socket, nullptr, this, nullptr);
    m_socket->abort();
}

void FaultConnection::onReadyRead()
{
    const QByteArray data = m_socket->readAll();
    if (m_state == State::Stalled || m_state == State::Closing || m_state == State::Closed)
        return; // nobody will answer anymore
    m_in.append(data);
    if (m_state == State::Idle)
        processInput();
}

void FaultConnection::onDisconnected()
{
    if (m_state == State::Closed)
        return;
    m_state = State::Closed;
    m_throttleTimer.stop();
    Q_EMIT closed(this);
}

// Answers buffered requests one after the other, as long as nothing is being sent.
void FaultConnection::processInput()
{
    while (m_state == State::Idle) {
        FaultServer::Request request;
        if (!takeRequest(request))
            return;
        const FaultResponse response = m_handler(request, this);
        if (m_state != State::Idle)
            return; // the handler (a hook) closed the socket
        start(response);
    }
}

// Removes one complete request (head + Content-Length body) from m_in.
bool FaultConnection::takeRequest(FaultServer::Request &request)
{
    const qsizetype headEnd = m_in.indexOf("\r\n\r\n");
    if (headEnd < 0) {
        if (m_in.size() > kMaxHead) {
            m_state = State::Closing;
            m_socket->disconnectFromHost();
        }
        return false;
    }
    const QList<QByteArray> lines = m_in.left(headEnd).split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    request.method = requestLine.value(0);
    request.path = requestLine.value(1);
    const QByteArray version = requestLine.value(2);
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray &line = lines.at(i);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (request.headers.contains(name))
            request.headers[name] += ", " + value;
        else
            request.headers.insert(name, value);
    }
    // HTTP/1.0 closes unless it asked to keep the connection.
    if (version == "HTTP/1.0" && !request.headers.contains("connection"))
        request.headers.insert("connection", "close");
    qint64 consumed = 0;
    if (!readBody(request, headEnd + 4, &consumed)) {
        if (!m_continueSent && request.headers.value("expect").toLower() == "100-continue") {
            m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
            m_continueSent = true;
        }
        return false;
    }
    m_continueSent = false;
    m_in.remove(0, consumed);
    request.peerPort = m_socket->peerPort();
    return true;
}

// Reads the body starting at `from` (Content-Length or chunked); false while incomplete.
bool FaultConnection::readBody(FaultServer::Request &request, qint64 from, qint64 *consumed) const
{
    if (!request.headers.value("transfer-encoding").toLower().contains("chunked")) {
        const qint64 length =
            std::max<qint64>(0, request.headers.value("content-length", "0").toLongLong());
        if (m_in.size() < from + length)
            return false;
        request.body = m_in.mid(from, length);
        *consumed = from + length;
        return true;
    }
    QByteArray body;
    qint64 pos = from;
    for (;;) {
        const qsizetype eol = m_in.indexOf("\r\n", pos);
        if (eol < 0)
            return false;
        QByteArray sizeText = m_in.mid(pos, eol - pos);
        if (const qsizetype semi = sizeText.indexOf(';'); semi >= 0)
            sizeText.truncate(semi); // chunk extensions
        const qint64 size = sizeText.trimmed().toLongLong(nullptr, 16);
        if (size > 0) {
            if (m_in.size() < eol + 2 + size + 2)
                return false;
            body.append(m_in.constData() + eol + 2, size);
            pos = eol + 2 + size + 2;
            continue;
        }
        // Last chunk: skip trailers up to the empty line.
        qint64 line = eol + 2;
        for (;;) {
            const qsizetype end = m_in.indexOf("\r\n", line);
            if (end < 0)
                return false;
            if (end == line) {
                request.body = body;
                *consumed = end + 2;
                return true;
            }
            line = end + 2;
        }
    }
}

void FaultConnection::start(const FaultResponse &response)
{
    switch (response.action) {
    case FaultResponse::Action::Handled:
        return;
    case FaultResponse::Action::CloseNow:
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    case FaultResponse::Action::Send:
        break;
    }
    m_response = response;
    m_pos = response.offset;
    m_end = response.offset + response.length;
    m_stopAt = m_end;
    if (response.end != FaultResponse::End::Normal && response.limit >= 0)
        m_stopAt = std::min(m_end, response.offset + response.limit);
    m_chunkLeft = 0;
    m_sent = 0;
    m_state = State::Sending;
    m_socket->write(response.head);
    m_clock.start();
    pump();
}

// Writes body slices while the socket buffer is low, the throttle allows and bytes remain.
void FaultConnection::pump()
{
    while (m_state == State::Sending) {
        if (m_socket->bytesToWrite() >= kHighWater)
            return; // bytesWritten calls us again
        const qint64 remaining = m_stopAt - m_pos;
        if (remaining <= 0) {
            endBody();
            return;
        }
        qint64 n = std::min(kSlice, remaining);
        const qint64 rate = m_response.bytesPerSecond;
        if (rate > 0) {
            const qint64 burst = std::max<qint64>(1, rate / 50);
            const qint64 allowed = rate * m_clock.elapsed() / 1000 + burst - m_sent;
            if (allowed <= 0) {
                if (!m_throttleTimer.isActive())
                    m_throttleTimer.start(kThrottleTickMs);
                return;
            }
            n = std::min(n, allowed);
        }
        if (m_response.chunked) {
            if (m_chunkLeft == 0) {
                m_chunkLeft = std::min(nextChunkSize(), m_end - m_pos);
                writeChunkHeader(m_chunkLeft);
            }
            n = std::min(n, m_chunkLeft);
        }
        m_socket->write(m_response.body.constData() + m_pos, n);
        m_pos += n;
        m_sent += n;
        if (m_response.chunked) {
            m_chunkLeft -= n;
            if (m_chunkLeft == 0)
                m_socket->write("\r\n");
        }
    }
}

void FaultConnection::endBody()
{
    switch (m_response.end) {
    case FaultResponse::End::Cut:
        // A chunked cut must land inside a chunk: open one if we are between chunks.
        if (m_response.chunked && m_chunkLeft == 0)
            writeChunkHeader(std::max<qint64>(16, m_end - m_pos + 1));
        m_state = State::Closing;
        if (m_response.reset)
            resetWhenDelivered();
        else
            m_socket->disconnectFromHost(); // flushes what was written, then FIN
        return;
    case FaultResponse::End::Stall:
        m_state = State::Stalled;
        m_socket->flush();
        return;
    case FaultResponse::End::Normal:
        break;
    }
    if (m_response.chunked)
        m_socket->write("0\r\n\r\n");
    const bool close = m_response.close;
    m_response = FaultResponse(); // drop our reference to the body
    if (close) {
        m_state = State::Closing;
        m_socket->disconnectFromHost();
        return;
    }
    m_state = State::Idle;
    processInput();
}

// Waits until the peer has acknowledged every byte (our buffer and the kernel's are empty),
// then closes with RST: the client gets exactly the bytes sent, then a reset.
void FaultConnection::resetWhenDelivered()
{
    if (m_state != State::Closing)
        return; // the client closed first
    m_socket->flush();
    int unsent = 0;
    const int fd = int(m_socket->socketDescriptor());
    if (m_socket->bytesToWrite() > 0 ||
        (fd >= 0 && ::ioctl(fd, SIOCOUTQ, &unsent) == 0 && unsent > 0)) {
        QTimer::singleShot(2, this, &FaultConnection::resetWhenDelivered);
        return;
    }
    if (fd >= 0) {
        const linger hard{1, 0};
        ::setsockopt(fd, SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
    }
    m_socket->abort();
    onDisconnected();
}

void FaultConnection::writeChunkHeader(qint64 size)
{
    m_socket->write(QByteArray::number(size, 16) + "\r\n");
}

// Random-ish chunk sizes: many small ones, some large ones.
qint64 FaultConnection::nextChunkSize()
{
    m_rng ^= m_rng << 13;
    m_rng ^= m_rng >> 17;
    m_rng ^= m_rng << 5;
    if (m_rng % 4 == 0)
        return 1 + (m_rng >> 8) % 512;
    return 1 + (m_rng >> 8) % (128 * 1024);
}

} // namespace bt::test
