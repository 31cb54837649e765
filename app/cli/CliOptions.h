#pragma once

#include "DaemonOptions.h"
#include "RequestList.h"
#include "SharedCliOptions.h"
#include "model/DownloadRequest.h"
#include "model/UploadRequest.h"

#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

class QCommandLineOption;
class QCommandLineParser;

namespace bt::cli {

// The command line of `btstream`: parsing (QCommandLineParser) and validation of every value,
// so that a bad invocation fails with the usage exit code before any network activity.
class CliOptions
{
public:
    enum class Action
    {
        Get,     // run the downloads in requests()
        Put,     // run the uploads in uploadRequests()
        Daemon,  // run the queue with the RPC server of daemonOptions()
        List,    // print the store's transfers in listFormat()
        Help,    // print helpText() to stdout, exit 0
        Version, // print versionText() to stdout, exit 0
        Error,   // print errorText() to stderr, exit 2
    };
    enum class Output
    {
        Auto,
        Quiet,
        Json
    };

    enum class ListFormat
    {
        Table,
        Json,
        Urls
    };

    // `arguments` as in QCoreApplication::arguments(): the program name first.
    Action parse(const QStringList &arguments);

    QString helpText() const { return m_helpText; }
    QString versionText() const;
    QString errorText() const { return m_errorText; }

    const RequestList &requests() const { return m_requests; }
    // get: metalinks to fetch before the downloads start (their url is the metalink's), and
    // what reading the metalinks on disk skipped.
    const QList<DownloadRequest> &metalinkSources() const { return m_metalinkSources; }
    const QStringList &notes() const { return m_notes; }
    // put: one upload, or one per file sent to an S3 prefix.
    const QList<UploadRequest> &uploadRequests() const { return m_uploads; }
    const DaemonOptions &daemonOptions() const { return m_daemon; }
    QString dataDir() const { return m_dataDir; } // empty: TransferStore::defaultDataDir()
    QString proxy() const { return m_proxy; }     // -x: empty = the environment's
    Output output() const { return m_output; }
    int jobs() const { return m_jobs; } // -j: transfers at once
    ListFormat listFormat() const { return m_listFormat; }
    static constexpr int DefaultJobs = 3;

    // Value parsers, public for tests and reuse. false when malformed.
    static bool parseRate(const QString &text, qint64 *bytesPerSecond); // 2M, 500K, 1G, 1000
    static bool parseUrl(const QString &text, QUrl *url, QString *error);
    // --header "Name: value"
    static bool parseHeader(const QString &text, QPair<QByteArray, QByteArray> *header);

private:
    Action parseGet(const QStringList &arguments);
    Action parsePut(const QStringList &arguments);    // CliPutOptions.cpp
    Action parseDaemon(const QStringList &arguments); // CliDaemonOptions.cpp
    Action parseList(const QStringList &arguments);   // CliListOptions.cpp
    // The daemon's --on-all-done, --on-all-done-command, --on-all-done-delay; false after fail().
    bool parseAllDone(const QCommandLineParser &parser, const QCommandLineOption &action,
                      const QCommandLineOption &command, const QCommandLineOption &delay);
    // An s3:// target and the options --endpoint, --region, --profile, --part-size,
    // --parallel, --addressing (in that order in `options`); false after fail().
    // Several sources, or a folder, to an S3 prefix or an FTP/SFTP folder: one upload a
    // file, named PREFIX/NAME or PREFIX/FOLDER/relative/path; false after fail().
    bool expandSources(const QStringList &sources, const UploadRequest &request);
    bool parseS3(const QCommandLineParser &parser, const QList<QCommandLineOption> &options,
                 const QString &text, UploadRequest *request);
    // --retries, --stall-timeout, --limit-rate, --header, --user, --insecure and --cacert into a
    // DownloadRequest or an UploadRequest; false after fail()
    template <class Request>
    bool parseShared(const QCommandLineParser &parser, const SharedCliOptions &options,
                     Request *request);
    // --data-dir, --quiet, --json (shared by get and put); false after fail()
    bool parseCommon(const QCommandLineParser &parser, const SharedCliOptions &options);
    Action fail(const QString &message);
    // For a command that takes options only: parse `arguments`; Help, or Error after fail()
    // (a parse error, any positional argument); std::nullopt: go on.
    std::optional<Action> parseOptionsOnly(QCommandLineParser &parser,
                                           const QCommandLineOption &help,
                                           const QStringList &arguments, const QString &command);

    QString m_helpText;
    QString m_errorText;
    RequestList m_requests;
    QList<DownloadRequest> m_metalinkSources;
    QStringList m_notes;
    QList<UploadRequest> m_uploads;
    DaemonOptions m_daemon;
    QString m_dataDir;
    QString m_proxy;
    Output m_output = Output::Auto;
    int m_jobs = DefaultJobs;
    ListFormat m_listFormat = ListFormat::Table;
};

} // namespace bt::cli
