#include "actions/AfterDownload.h"

#include "actions/ChildEnvironment.h"

#include <QFileInfo>
#include <QTimer>

#include <cstdio>

namespace bt {

namespace {
constexpr qsizetype MaxCapturedOutput = 64 * 1024;
constexpr int KillWaitMs = 2000;
} // namespace

QString AfterDownload::Result::errorText() const
{
    const QString name = QFileInfo(path).fileName();
    if (cancelled)
        return QObject::tr("the actions after %1 were stopped").arg(name);
    if (extractionFailed()) {
        if (extraction.error.isError())
            return QObject::tr("extracting %1 failed: %2").arg(name, extraction.error.message);
        return QObject::tr("extracting %1: entries refused (they would land outside %2): %3")
            .arg(name, extraction.folder, extraction.refused.join(QStringLiteral("; ")));
    }
    if (commandFailed())
        return command.error.message;
    return {};
}

AfterDownload::AfterDownload(const AfterDownloadActions &actions, QObject *parent)
    : QObject(parent), m_actions(actions)
{
    qRegisterMetaType<Result>();
}

AfterDownload::~AfterDownload()
{
    m_cancelled = true;
    if (m_process && m_process->state() != QProcess::NotRunning) {
        m_process->disconnect(this);
        m_process->kill();
        m_process->waitForFinished(KillWaitMs);
    }
    // The extractor (a child) cancels and joins its thread in its own destructor.
}

bool AfterDownload::splitCommand(const QString &command, QStringList *programAndArguments,
                                 QString *error)
{
    const QString trimmed = command.trimmed();
    // splitCommand groups words in double quotes (three in a row are one literal quote) and
    // drops an unclosed one silently: said instead.
    const QString tripleQuote(3, QLatin1Char('"'));
    if (QString(trimmed).remove(tripleQuote).count(QLatin1Char('"')) % 2 != 0) {
        if (error)
            *error = QObject::tr("the command %1 has an unclosed quote").arg(trimmed);
        return false;
    }
    const QStringList parts = QProcess::splitCommand(trimmed);
    if (parts.isEmpty() || parts.first().isEmpty()) {
        if (error)
            *error = QObject::tr("the command names no program");
        return false;
    }
    *programAndArguments = parts;
    return true;
}

bool AfterDownload::start(const QString &path)
{
    if (m_running)
        return false;
    m_running = true;
    m_cancelled = false;
    m_finishing = false;
    m_result = {};
    m_result.path = QFileInfo(path).absoluteFilePath();
    m_result.actions = m_actions;
    // Every step starts from the event loop: nothing is reported from inside start().
    QTimer::singleShot(0, this, [this] {
        if (m_cancelled)
            finishLater();
        else if (m_actions.extract)
            extract();
        else
            runCommand();
    });
    return true;
}

void AfterDownload::cancel()
{
    if (!m_running || m_cancelled)
        return;
    m_cancelled = true;
    if (m_extractor)
        m_extractor->cancel(); // finished() follows with the error Cancelled
    if (m_process && m_process->state() != QProcess::NotRunning)
        m_process->kill(); // finished() follows
}

void AfterDownload::extract()
{
    m_result.extracted = true;
    auto *extractor = new ArchiveExtractor(this);
    m_extractor = extractor;
    connect(extractor, &ArchiveExtractor::progress, this, &AfterDownload::progress);
    connect(extractor, &ArchiveExtractor::finished, this,
            [this, extractor](const ArchiveExtractor::Result &r) {
                extractor->deleteLater();
                onExtracted(r);
            });
    // Whether it is an archive (name, else its first bytes) is decided on its thread.
    extractor->start(m_result.path);
}

void AfterDownload::onExtracted(const ArchiveExtractor::Result &extraction)
{
    m_result.extraction = extraction;
    if (m_cancelled || m_result.extractionFailed())
        finishLater(); // the command is not run after a failed extraction
    else
        runCommand();
}

void AfterDownload::runCommand()
{
    if (m_actions.command.trimmed().isEmpty()) {
        finishLater();
        return;
    }
    m_result.commandRan = true;
    CommandResult &c = m_result.command;
    QStringList parts;
    QString why;
    if (!splitCommand(m_actions.command, &parts, &why)) {
        c.error = {ErrorCode::InvalidArgument, why};
        finishLater();
        return;
    }
    c.program = parts.takeFirst();
    c.arguments = parts;
    c.arguments.append(m_result.path); // one argument, whatever it contains
    auto *process = new QProcess(this);
    m_process = process;
    process->setProgram(c.program);
    process->setArguments(c.arguments);
    process->setProcessEnvironment(ChildEnvironment::get());
    process->setStandardInputFile(QProcess::nullDevice());
    switch (m_outputMode) {
    case CommandOutput::Capture:
        process->setProcessChannelMode(QProcess::MergedChannels);
        break;
    case CommandOutput::Forward:
        process->setProcessChannelMode(QProcess::ForwardedChannels);
        break;
    case CommandOutput::ForwardToStderr:
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        break;
    }
    connect(process, &QProcess::readyReadStandardOutput, this, &AfterDownload::readOutput);
    connect(process, &QProcess::finished, this, &AfterDownload::onCommandFinished);
    connect(process, &QProcess::errorOccurred, this, &AfterDownload::onCommandError);
    process->start();
}

void AfterDownload::readOutput()
{
    if (!m_process)
        return;
    const QByteArray data = m_process->readAllStandardOutput();
    if (m_outputMode == CommandOutput::ForwardToStderr) {
        std::fwrite(data.constData(), 1, size_t(data.size()), stderr);
        std::fflush(stderr);
        return;
    }
    QByteArray &out = m_result.command.output;
    out.append(data);
    if (out.size() > MaxCapturedOutput)
        out.remove(0, out.size() - MaxCapturedOutput);
}

void AfterDownload::onCommandFinished(int exitCode, QProcess::ExitStatus status)
{
    readOutput();
    CommandResult &c = m_result.command;
    c.started = true;
    if (m_cancelled) {
        c.error = {ErrorCode::Cancelled, tr("the command %1 was stopped").arg(c.program)};
    } else if (status == QProcess::CrashExit) {
        c.crashed = true;
        c.error = {ErrorCode::Io, tr("the command %1 was killed by a signal").arg(c.program)};
    } else {
        c.exitCode = exitCode;
        if (exitCode != 0)
            c.error = {ErrorCode::Io,
                       tr("the command %1 exited with code %2").arg(c.program).arg(exitCode)};
    }
    m_process->deleteLater();
    finishLater();
}

void AfterDownload::onCommandError(QProcess::ProcessError error)
{
    // Crashes and exits come with finished(); only a failed start ends here.
    if (error != QProcess::FailedToStart || !m_process)
        return;
    CommandResult &c = m_result.command;
    c.error = {ErrorCode::NotFound,
               tr("cannot run the command %1: %2").arg(c.program, m_process->errorString())};
    m_process->deleteLater();
    finishLater();
}

void AfterDownload::finishLater()
{
    if (m_finishing)
        return;
    m_finishing = true;
    m_result.cancelled = m_cancelled;
    QTimer::singleShot(0, this, [this] {
        m_running = false;
        m_finishing = false;
        const Result result = m_result;
        Q_EMIT finished(result);
    });
}

} // namespace bt
