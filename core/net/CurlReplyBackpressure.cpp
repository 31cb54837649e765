#include "net/CurlReply.h"

#include "net/CurlMulti.h"

#include <cstring>
#include <curl/curl.h>

// The answer's body between curl and the reader, and the pauses that keep it bounded: the
// receive side waits while the reader is readBufferSize() behind, the send side while the
// request body has nothing to give.

namespace bt {

qint64 CurlReply::bytesAvailable() const
{
    return m_unread + QNetworkReply::bytesAvailable();
}

void CurlReply::setReadBufferSize(qint64 size)
{
    QNetworkReply::setReadBufferSize(size);
    m_readBufferSize = size;
    if (size <= 0 || bytesAvailable() < size)
        takeRoom();
}

void CurlReply::appendPiece(const char *data, qsizetype size)
{
    // Pieces that takePiece() hands on whole: the one copy between curl and the disk. HTTP/2
    // DATA frames and TLS records come 16 KiB at a time, so a small one goes into the piece
    // before it while that has room: the disk then gets pieces of up to ReceiveBuffer that
    // it writes without copying them again, and the reader takes 8x fewer. Room is reserved
    // for what is left of the body, so a small file's piece is no larger than the file.
    if (!m_pieces.empty()) {
        QByteArray &last = m_pieces.back();
        if (last.size() + size <= last.capacity()) {
            last.append(data, size);
            m_bodyBytes += size;
            m_unread += size;
            return;
        }
    }
    if (m_bodyLength == -2) {
        curl_off_t length = -1;
        curl_easy_getinfo(static_cast<CURL *>(m_easy), CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
        m_bodyLength = length;
    }
    qint64 room = ReceiveBuffer;
    if (m_bodyLength >= 0)
        room = qBound<qint64>(size, m_bodyLength - m_bodyBytes, ReceiveBuffer);
    QByteArray piece;
    if (size < room)
        piece.reserve(qsizetype(room));
    piece.append(data, size);
    m_pieces.push_back(std::move(piece));
    m_bodyBytes += size;
    m_unread += size;
}

QByteArray CurlReply::takePiece(qint64 maxSize)
{
    if (QNetworkReply::bytesAvailable() > 0 || maxSize <= 0)
        return read(maxSize); // QIODevice holds some already (a peek, a small read)
    QByteArray piece;
    if (m_pieces.empty())
        return piece;
    QByteArray &front = m_pieces.front();
    if (m_readPos == 0 && front.size() <= maxSize) {
        piece = std::move(front);
        m_pieces.pop_front();
    } else {
        piece = front.mid(m_readPos, qMin<qint64>(maxSize, front.size() - m_readPos));
        m_readPos += piece.size();
        if (m_readPos == front.size()) {
            m_pieces.pop_front();
            m_readPos = 0;
        }
    }
    m_unread -= piece.size();
    roomMade();
    return piece;
}

qint64 CurlReply::readData(char *data, qint64 maxSize)
{
    qint64 n = 0;
    while (n < maxSize && !m_pieces.empty()) {
        const QByteArray &front = m_pieces.front();
        const qint64 step = qMin<qint64>(maxSize - n, front.size() - m_readPos);
        std::memcpy(data + n, front.constData() + m_readPos, size_t(step));
        n += step;
        m_readPos += step;
        if (m_readPos == front.size()) {
            m_pieces.pop_front();
            m_readPos = 0;
        }
    }
    if (n == 0)
        return m_done ? -1 : 0;
    m_unread -= n;
    roomMade();
    return n;
}

void CurlReply::roomMade()
{
    if (m_recvPaused && (m_readBufferSize <= 0 || m_unread < m_readBufferSize / 2 + 1))
        takeRoom();
}

void CurlReply::resumeBody()
{
    unpause(true);
}

void CurlReply::takeRoom()
{
    unpause(false);
}

void CurlReply::unpause(bool send)
{
    bool &paused = send ? m_sendPaused : m_recvPaused;
    if (!paused || m_done || !m_easy || !m_multi)
        return;
    if (m_multi->isInside()) {
        QMetaObject::invokeMethod(
            this, [this, send] { unpause(send); }, Qt::QueuedConnection);
        return;
    }
    paused = false;
    // The other direction stays paused if it is.
    const bool otherPaused = send ? m_recvPaused : m_sendPaused;
    const int keep = send ? CURLPAUSE_RECV : CURLPAUSE_SEND;
    m_multi->pause(m_easy, otherPaused ? keep : CURLPAUSE_CONT);
}

} // namespace bt
