#pragma once

#include "Error.h"
#include "archive/ArchiveExtractor.h"
#include "model/AfterDownloadActions.h"

#include <QByteArray>
#include <QMetaType>
#include <QObject>
#include <QPointer>
#include <QProcess>
#include <QString>
#include <QStringList>

namespace bt {

// Runs the actions of one completed download (AfterDownloadActions) on its file, for the
// queue (both front-ends) and the window's "Extract Archive" action:
//  1. extract: ArchiveExtractor on a thread of its own (its safety rules: nothing lands
//     outside the new folder, hostile entries refused and named). A file that is not an
//     archive is left alone and is not a failure.
//  2. command: QProcess with the program and the argument list from QProcess::splitCommand
//     and the file's absolute path appended as one argument, never through a shell (no
//     expansion of $(), quotes or globs in the file name). Standard input is /dev/null.
//     Runs only when the extraction (if asked) did not fail.
// Nothing blocks the thread it lives on; finished() comes exactly once per start(), always
// from the event loop (never from inside start()).
class AfterDownload : public QObject
{
    Q_OBJECT
public:
    // Where the command's standard output and error go.
    enum class CommandOutput
    {
        Capture,         // kept (the last 64 KiB, both merged) in CommandResult::output
        Forward,         // to this process's stdout and stderr, as they come
        ForwardToStderr, // both to this process's stderr (stdout carries JSON lines)
    };

    struct CommandResult
    {
        QString program;
        QStringList arguments; // the file's path last
        bool started = false;
        int exitCode = -1;    // when it exited normally
        bool crashed = false; // killed by a signal
        Error error;          // could not start, crashed, non-zero exit, cancelled
        QByteArray output;    // CommandOutput::Capture
    };

    struct Result
    {
        QString path; // the downloaded file
        AfterDownloadActions actions;
        bool extracted = false; // the extraction ran (isArchive may still be false)
        ArchiveExtractor::Result extraction;
        bool commandRan = false; // the command was tried
        CommandResult command;
        bool cancelled = false; // cancel() or the destructor stopped the run

        // The extraction failed (corrupt, refused entries, cancelled).
        bool extractionFailed() const
        {
            return extracted && extraction.isArchive && !extraction.ok();
        }
        bool commandFailed() const { return commandRan && command.error.isError(); }
        bool ok() const { return !cancelled && !extractionFailed() && !commandFailed(); }
        // One line a person reads: what failed and why (empty when ok()).
        QString errorText() const;
    };

    explicit AfterDownload(const AfterDownloadActions &actions, QObject *parent = nullptr);
    ~AfterDownload() override; // cancels: stops the extraction, kills the command

    void setCommandOutput(CommandOutput mode) { m_outputMode = mode; }
    const AfterDownloadActions &actions() const { return m_actions; }

    // The program and its arguments for `command` (false and why when it names no program or
    // its quotes do not close). The path is not added here.
    static bool splitCommand(const QString &command, QStringList *programAndArguments,
                             QString *error = nullptr);

    // Runs the actions on `path`; false when a run is under way already.
    bool start(const QString &path);
    void cancel();
    bool isRunning() const { return m_running; }

Q_SIGNALS:
    void progress(qint64 done, qint64 total); // of the extraction, as ArchiveExtractor's
    void finished(const bt::AfterDownload::Result &result);

private:
    void extract();
    void onExtracted(const ArchiveExtractor::Result &extraction);
    void runCommand();
    void onCommandFinished(int exitCode, QProcess::ExitStatus status);
    void onCommandError(QProcess::ProcessError error);
    void readOutput();
    // Ends the run with a queued finished().
    void finishLater();

    AfterDownloadActions m_actions;
    CommandOutput m_outputMode = CommandOutput::Capture;
    Result m_result;
    QPointer<ArchiveExtractor> m_extractor;
    QPointer<QProcess> m_process;
    bool m_running = false;
    bool m_cancelled = false;
    bool m_finishing = false;
};

} // namespace bt

Q_DECLARE_METATYPE(bt::AfterDownload::Result)
