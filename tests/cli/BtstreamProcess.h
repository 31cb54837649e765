#pragma once

// Runs the real btstream binary for the end-to-end tests. The FaultServer lives in the test's
// thread, so waiting always spins the event loop (QSignalSpy::wait), never waitForFinished().

#include <QByteArray>
#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStringList>
#include <QTest>

#ifndef BTSTREAM_PATH
#error "BTSTREAM_PATH must name the btstream binary"
#endif

namespace bt::test {

struct RunResult
{
    bool finished = false; // false: killed after the timeout
    QProcess::ExitStatus status = QProcess::NormalExit;
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    qint64 elapsedMs = 0;

    // Every stdout line parsed as a JSON object (--json); invalid lines make an empty object.
    QList<QJsonObject> jsonLines() const
    {
        QList<QJsonObject> lines;
        for (const QByteArray &line : out.split('\n')) {
            if (!line.trimmed().isEmpty())
                lines.append(QJsonDocument::fromJson(line).object());
        }
        return lines;
    }
    QString describe() const
    {
        return QStringLiteral("exit %1 (%2) after %3 ms\nstdout: %4\nstderr: %5")
            .arg(exitCode)
            .arg(status == QProcess::NormalExit ? QStringLiteral("normal")
                                                : QStringLiteral("crash"))
            .arg(elapsedMs)
            .arg(QString::fromLocal8Bit(out), QString::fromLocal8Bit(err));
    }
};

// A btstream process in `workDir` with a clean environment (no proxy, no data dir leak).
class Btstream : public QProcess
{
public:
    explicit Btstream(const QString &workDir = QDir::currentPath())
    {
        setProgram(QStringLiteral(BTSTREAM_PATH));
        setWorkingDirectory(workDir);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        for (const char *name : {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY",
                                 "HTTPS_PROXY", "ALL_PROXY", "BTSTREAM_DATA_DIR"})
            env.remove(QString::fromLatin1(name));
        setProcessEnvironment(env);
    }

    // Start and wait (spinning the event loop) until it ends or `timeoutMs` passed.
    RunResult run(const QStringList &arguments, int timeoutMs = 30000)
    {
        setArguments(arguments);
        QElapsedTimer timer;
        timer.start();
        start();
        return wait(timeoutMs, timer);
    }

    RunResult wait(int timeoutMs, QElapsedTimer timer = {})
    {
        if (!timer.isValid())
            timer.start();
        RunResult result;
        if (state() != QProcess::NotRunning) {
            QSignalSpy spy(this, &QProcess::finished);
            result.finished = spy.wait(timeoutMs);
            if (!result.finished) {
                kill();
                QSignalSpy killed(this, &QProcess::finished);
                killed.wait(5000);
            }
        } else {
            result.finished = true;
        }
        result.elapsedMs = timer.elapsed();
        result.status = exitStatus();
        result.exitCode = exitCode();
        result.out = m_out + readAllStandardOutput();
        result.err = m_err + readAllStandardError();
        return result;
    }

    // Collect output while the process runs (for tests that watch the progress).
    QByteArray takeStdout()
    {
        m_out += readAllStandardOutput();
        return m_out;
    }

    // With --json: waits (spinning the event loop) until a progress line says `bytes` are done,
    // the process ended or `timeoutMs` passed; the most "done" seen.
    qint64 waitForDone(qint64 bytes, int timeoutMs = 20000)
    {
        static const QRegularExpression progress(QStringLiteral("\"done\":([0-9]+)"));
        QElapsedTimer timer;
        timer.start();
        qint64 done = 0;
        while (done < bytes && timer.elapsed() < timeoutMs && state() == QProcess::Running) {
            QTest::qWait(50);
            auto it = progress.globalMatch(QString::fromUtf8(takeStdout()));
            while (it.hasNext())
                done = qMax(done, it.next().captured(1).toLongLong());
        }
        return done;
    }

private:
    QByteArray m_out;
    QByteArray m_err;
};

// Follows a btstream run with --json: the most bytes its progress events reported, and
// whether it ended. Connect before start().
struct ProgressWatch
{
    qint64 done = 0;
    bool ended = false;

    void follow(Btstream *p)
    {
        QObject::connect(p, &QProcess::readyReadStandardOutput, p, [this, p] {
            RunResult sofar;
            sofar.out = p->takeStdout();
            for (const QJsonObject &line : sofar.jsonLines()) {
                if (line.value(QStringLiteral("event")).toString() == QLatin1String("progress"))
                    done = qMax(done, line.value(QStringLiteral("done")).toInteger());
            }
        });
        QObject::connect(p, &QProcess::finished, p, [this] { ended = true; });
    }
};

// Files (and folders) in `dir`, sorted, without "." and "..", hidden ones included.
inline QStringList entries(const QString &dir)
{
    return QDir(dir).entryList(
        QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

} // namespace bt::test
