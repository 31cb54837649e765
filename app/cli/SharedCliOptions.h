#pragma once

#include <QCommandLineOption>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace bt::cli {

// The options `get` and `put` share, defined once so that both say and parse them alike.
// Only the --limit-rate help differs (each download / the upload).
struct SharedCliOptions
{
    explicit SharedCliOptions(const QString &limitHelp)
        : header(QStringLiteral("header"), tr("Send this request header (may be repeated)."),
                 QStringLiteral("Name: value")),
          user(QStringLiteral("user"), tr("HTTP Basic credentials."),
               QStringLiteral("NAME:PASSWORD")),
          retries(QStringLiteral("retries"), tr("Retry a transient failure N times (default 10)."),
                  QStringLiteral("N")),
          retryMaxWait(QStringLiteral("retry-max-wait"),
                       tr("Wait at most SEC seconds when a server asks to retry later "
                          "(Retry-After; default 300)."),
                       QStringLiteral("SEC")),
          stall(QStringLiteral("stall-timeout"),
                tr("Reconnect when no byte moves for SEC seconds (default 30)."),
                QStringLiteral("SEC")),
          limit(QStringLiteral("limit-rate"), limitHelp, QStringLiteral("RATE")),
          insecure(QStringLiteral("insecure"), tr("Do not verify the server's TLS certificate.")),
          cacert(QStringLiteral("cacert"),
                 tr("Verify TLS servers with the CA certificates in FILE (PEM) instead of the "
                    "system's."),
                 QStringLiteral("FILE")),
          proxy({QStringLiteral("x"), QStringLiteral("proxy")},
                tr("Use this proxy instead of the environment's (http://, https://, socks5h://, "
                   "socks5://, socks4://, with user:password@ if it asks); \"none\": connect "
                   "directly."),
                QStringLiteral("URL")),
          dataDir(QStringLiteral("data-dir"),
                  tr("Keep the transfer database in DIR (default: $BTSTREAM_DATA_DIR, else the "
                     "user data folder)."),
                  QStringLiteral("DIR")),
          quiet({QStringLiteral("q"), QStringLiteral("quiet")}, tr("Print nothing but errors.")),
          json(QStringLiteral("json"), tr("Print progress and results as JSON lines on stdout."))
    {
    }

    QCommandLineOption header;
    QCommandLineOption user;
    QCommandLineOption retries;
    QCommandLineOption retryMaxWait;
    QCommandLineOption stall;
    QCommandLineOption limit;
    QCommandLineOption insecure;
    QCommandLineOption cacert;
    QCommandLineOption proxy;
    QCommandLineOption dataDir;
    QCommandLineOption quiet;
    QCommandLineOption json;

private:
    static QString tr(const char *text)
    {
        return QCoreApplication::translate("bt::cli::CliOptions", text);
    }
};

} // namespace bt::cli
