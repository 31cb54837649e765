#include "transfer/Transfer.h"

#include <QDateTime>

namespace bt {

Transfer::Transfer(qint64 id, QObject *parent) : QObject(parent), m_id(id)
{
    qRegisterMetaType<bt::TransferProgress>();
    qRegisterMetaType<bt::TransferResult>();
    qRegisterMetaType<bt::TransferPhase>();
    qRegisterMetaType<bt::Error>();
}

Transfer::~Transfer() = default;

void Transfer::start()
{
    if (m_started || m_finished)
        return; // once; a start after a stop is dropped
    m_started = true;
    setPhase(TransferPhase::Connecting);
    startTransfer();
}

void Transfer::stop()
{
    if (m_finished)
        return;
    if (!m_started) {
        m_started = true; // stopped before it started: still exactly one finished()
        TransferResult r;
        r.error = {ErrorCode::Cancelled, tr("Stopped before it started."), 0, -1};
        finish(r);
        return;
    }
    stopTransfer();
}

void Transfer::cancel()
{
    if (m_finished)
        return;
    if (!m_started) {
        stop();
        return;
    }
    cancelTransfer();
}

void Transfer::setPhase(TransferPhase phase)
{
    if (phase != TransferPhase::Retrying)
        m_nextAttemptMs = -1;
    if (phase == m_phase || m_finished)
        return;
    m_phase = phase;
    Q_EMIT phaseChanged(phase);
}

void Transfer::announceRetry(const Error &error, qint64 delayMs, int attempt, int maxAttempts)
{
    m_nextAttemptMs = QDateTime::currentMSecsSinceEpoch() + delayMs;
    if (m_phase != TransferPhase::Retrying && !m_finished) {
        m_phase = TransferPhase::Retrying;
        Q_EMIT phaseChanged(m_phase);
    }
    Q_EMIT retrying(error, delayMs, attempt, maxAttempts);
}

void Transfer::finish(TransferResult result)
{
    if (m_finished)
        return;
    if (result.id == 0)
        result.id = m_id;
    setPhase(!result.error.isError()                     ? TransferPhase::Done
             : result.error.code == ErrorCode::Cancelled ? TransferPhase::Stopped
                                                         : TransferPhase::Failed);
    m_finished = true;
    // Queued: a caller that connects after start() (or waits on a spy) still sees it.
    QMetaObject::invokeMethod(
        this, [this, result] { Q_EMIT finished(result); }, Qt::QueuedConnection);
}

} // namespace bt
