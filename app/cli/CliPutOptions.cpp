// `btstream put`: the options of one upload (CliOptions::parsePut).
#include "CliOptions.h"

#include "CliParseUtil.h"
#include "ExitCode.h"
#include "upload/ArchiveStream.h"

#include <QCommandLineParser>
#include <QDir>
#include <QFileInfo>

namespace bt::cli {

using namespace detail;

CliOptions::Action CliOptions::parsePut(const QStringList &arguments)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        tr("Upload FILE (or the folder DIR) to URL.\n"
           "tus, S3, FTP and SFTP uploads resume: if an upload was interrupted, run the same\n"
           "command again to continue from where the server is. PUT and POST start over."));
    const QCommandLineOption help = addHelp(parser);
    const SharedCliOptions shared(tr("Limit the upload to RATE bytes/s: 500K, 2M, 1G (K=1024)."));
    const QCommandLineOption tus(QStringLiteral("tus"),
                                 tr("Resumable tus 1.0 upload; URL is the creation endpoint "
                                    "(the default)."));
    const QCommandLineOption put(QStringLiteral("put"),
                                 tr("One HTTP PUT to URL (WebDAV, presigned URLs); a URL "
                                    "ending in / gets the file's name. A folder without "
                                    "--archive is uploaded as its tree (MKCOL, PUT)."));
    const QCommandLineOption post(QStringLiteral("post"),
                                  tr("A multipart/form-data POST with the file in FIELD."),
                                  QStringLiteral("FIELD"));
    const QCommandLineOption form({QStringLiteral("F"), QStringLiteral("form")},
                                  tr("An extra POST field (may be repeated)."),
                                  QStringLiteral("NAME=VALUE"));
    const QCommandLineOption archive(
        QStringLiteral("archive"),
        tr("Send a folder as one archive built on the fly: tar.gz, tar.zst or zip."),
        QStringLiteral("FORMAT"));
    const QCommandLineOption bearer(QStringLiteral("bearer"),
                                    tr("Send \"Authorization: Bearer TOKEN\"."),
                                    QStringLiteral("TOKEN"));
    const QCommandLineOption noResume(
        QStringLiteral("no-resume"),
        tr("tus: create a new upload instead of continuing an unfinished one."));
    const QCommandLineOption endpoint(
        QStringLiteral("endpoint"),
        tr("S3: the server (MinIO, Ceph, R2...); default AWS_ENDPOINT_URL, else AWS."),
        QStringLiteral("URL"));
    const QCommandLineOption region(QStringLiteral("region"),
                                    tr("S3: the region; default AWS_REGION, the profile's, "
                                       "us-east-1."),
                                    QStringLiteral("NAME"));
    const QCommandLineOption profile(QStringLiteral("profile"),
                                     tr("S3: the credentials of this profile in ~/.aws/credentials "
                                        "(default: the environment's keys, else AWS_PROFILE)."),
                                     QStringLiteral("NAME"));
    const QCommandLineOption partSize(
        QStringLiteral("part-size"),
        tr("S3: bytes a part, at least 5M (default from the file size, 8M up)."),
        QStringLiteral("SIZE"));
    const QCommandLineOption parallel(
        QStringLiteral("parallel"), tr("S3: parts sent at once (default 4)."), QStringLiteral("N"));
    const QCommandLineOption addressing(
        QStringLiteral("addressing"),
        tr("S3: 'path' (ENDPOINT/BUCKET/KEY, the default with --endpoint) or 'virtual' "
           "(BUCKET.ENDPOINT/KEY, the default for AWS)."),
        QStringLiteral("STYLE"));
    parser.addOptions({tus,
                       put,
                       post,
                       form,
                       archive,
                       shared.header,
                       shared.user,
                       bearer,
                       shared.retries,
                       shared.retryMaxWait,
                       shared.stall,
                       shared.limit,
                       shared.insecure,
                       shared.cacert,
                       shared.proxy,
                       noResume,
                       endpoint,
                       region,
                       profile,
                       partSize,
                       parallel,
                       addressing,
                       shared.dataDir,
                       shared.quiet,
                       shared.json});
    parser.addPositionalArgument(QStringLiteral("FILE|DIR"), tr("What to upload."));
    parser.addPositionalArgument(QStringLiteral("URL"),
                                 tr("Where to (http, https, s3://BUCKET/KEY, ftp, ftps or sftp)."));

    m_helpText = withUsageLine(
                     parser.helpText(),
                     tr("Usage: btstream put [options] FILE|DIR URL\n"
                        "       btstream put [options] FILE|DIR... s3://BUCKET/PREFIX/\n"
                        "       btstream put [options] FILE|DIR... ftp://HOST/DIR/ (ftps, sftp)")) +
                 QLatin1Char('\n') + exitCodeHelp();

    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;

    QStringList positional = parser.positionalArguments();
    if (positional.size() < 2)
        return fail(tr("put needs a FILE (or DIR) and a URL"));
    const QString scheme = QUrl(positional.last().trimmed()).scheme().toLower();
    const bool s3 = scheme == QLatin1String("s3");
    const bool remote = scheme == QLatin1String("ftp") || scheme == QLatin1String("ftps") ||
                        scheme == QLatin1String("sftp");
    // S3, FTP, SFTP: several files (or folders) to one prefix or folder; each file its own
    // upload.
    const QStringList extraSources = positional.size() > 2 && (s3 || remote)
                                         ? positional.mid(1, positional.size() - 2)
                                         : QStringList();
    if (!extraSources.isEmpty())
        positional = {positional.first(), positional.last()};
    if (positional.size() > 2)
        return fail(
            tr("put takes one FILE (or DIR) and one URL, not %1 arguments").arg(positional.size()));

    UploadRequest request;
    const int methods = int(parser.isSet(tus)) + int(parser.isSet(put)) + int(parser.isSet(post));
    if (methods > 1)
        return fail(tr("choose one of --tus, --put and --post"));
    if (parser.isSet(put)) {
        request.method = UploadRequest::Method::Put;
    } else if (parser.isSet(post)) {
        request.method = UploadRequest::Method::Post;
        request.postField = parser.value(post).trimmed();
        if (request.postField.isEmpty())
            return fail(tr("--post needs a field name"));
    }
    for (const QString &value : parser.values(form)) {
        const qsizetype eq = value.indexOf(QLatin1Char('='));
        if (eq <= 0)
            return fail(tr("--form must be NAME=VALUE, not '%1'").arg(value));
        request.postFields.append({value.left(eq), value.mid(eq + 1)});
    }
    if (!request.postFields.isEmpty() && request.method != UploadRequest::Method::Post)
        return fail(tr("--form can only be used with --post"));

    QString error;
    if ((s3 || remote) && methods > 0)
        return fail(tr("--tus, --put and --post are for http(s) URLs, not %1://").arg(scheme));
    if (s3) {
        if (!parseS3(parser, {endpoint, region, profile, partSize, parallel, addressing},
                     positional.at(1), &request))
            return Action::Error;
    } else {
        for (const QCommandLineOption &o :
             {endpoint, region, profile, partSize, parallel, addressing})
            if (parser.isSet(o))
                return fail(tr("--%1 is for s3:// URLs").arg(o.names().constFirst()));
        if (!parseUrl(positional.at(1), &request.url, &error))
            return fail(error);
        if (remote)
            request.method = UploadRequest::Method::Ftp;
    }

    const QString source = positional.at(0);
    if (source.isEmpty())
        return fail(tr("put needs a FILE (or DIR)"));
    // A missing or unreadable file is the upload's error (exit code 6), said the same way.
    request.sourcePath = QDir::cleanPath(QDir::current().absoluteFilePath(source));
    if (parser.isSet(archive)) {
        ArchiveStream::Format format;
        if (!ArchiveStream::parseFormat(parser.value(archive), &format))
            return fail(tr("--archive must be tar.gz, tar.zst or zip, not '%1'")
                            .arg(parser.value(archive)));
        request.archiveFormat = parser.value(archive).trimmed().toLower();
        if (QFileInfo(request.sourcePath).isFile())
            return fail(tr("--archive is for a folder; %1 is a file").arg(source));
    } else if (QFileInfo(request.sourcePath).isDir() && (s3 || remote)) {
        // A folder to S3, FTP, SFTP: its files under the prefix (expandSources below).
    } else if (QFileInfo(request.sourcePath).isDir() &&
               request.method != UploadRequest::Method::Put) {
        return fail(tr("%1 is a folder: add --archive tar.gz (or tar.zst, zip) to send it as "
                       "one archive, or use --put to upload its tree to WebDAV")
                        .arg(source));
    }

    if (!parseShared(parser, shared, &request))
        return Action::Error;
    if (parser.isSet(bearer)) {
        request.bearerToken = parser.value(bearer).trimmed();
        if (request.bearerToken.isEmpty() || request.bearerToken.contains(QLatin1Char('\n')))
            return fail(tr("--bearer needs a token"));
        if (!request.user.isEmpty())
            return fail(tr("--user and --bearer cannot be used together"));
    }
    request.resume = !parser.isSet(noResume);
    if (remote) {
        if (!request.bearerToken.isEmpty())
            return fail(tr("--bearer is for http(s) URLs"));
        // A password in the URL stays in memory (the queue's, as --user's): never stored,
        // listed or logged. --user wins over it.
        if (!request.url.password().isEmpty() && request.user.isEmpty())
            request.user = request.url.userName() + QLatin1Char(':') + request.url.password();
        request.url.setPassword({});
    }

    if (!parseCommon(parser, shared))
        return Action::Error;
    m_uploads = {request};
    if (s3 && (!request.user.isEmpty() || !request.bearerToken.isEmpty() ||
               std::any_of(request.headers.cbegin(), request.headers.cend(), [](const auto &h) {
                   return h.first.trimmed().compare("Authorization", Qt::CaseInsensitive) == 0;
               })))
        return fail(tr("s3:// uploads are signed with the AWS credentials: --user, --bearer and "
                       "an Authorization header do not apply"));
    if (s3 && !request.archiveFormat.isEmpty())
        return fail(tr("--archive is not supported for s3:// yet: a folder goes as its files"));
    if (remote && !request.archiveFormat.isEmpty() && !extraSources.isEmpty())
        return fail(tr("--archive sends one folder, not %1 sources").arg(extraSources.size() + 1));
    if ((s3 || remote) && request.archiveFormat.isEmpty() &&
        (!extraSources.isEmpty() || QFileInfo(request.sourcePath).isDir()) &&
        !expandSources(QStringList{source} + extraSources, request))
        return Action::Error;
    return Action::Put;
}

bool CliOptions::expandSources(const QStringList &sources, const UploadRequest &request)
{
    QString error;
    m_uploads = bt::expandUploadSources(sources, request, &error);
    if (m_uploads.isEmpty()) {
        fail(error);
        return false;
    }
    return true;
}

bool CliOptions::parseS3(const QCommandLineParser &parser, const QList<QCommandLineOption> &o,
                         const QString &text, UploadRequest *request)
{
    const QCommandLineOption &endpoint = o.at(0);
    const QCommandLineOption &region = o.at(1);
    const QCommandLineOption &profile = o.at(2);
    const QCommandLineOption &partSize = o.at(3);
    const QCommandLineOption &parallel = o.at(4);
    const QCommandLineOption &addressing = o.at(5);
    const QUrl url(text.trimmed(), QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty() || url.hasQuery() || url.hasFragment() ||
        !url.userInfo().isEmpty() || url.port() != -1) {
        fail(tr("malformed S3 address '%1': use s3://BUCKET/KEY or s3://BUCKET/PREFIX/").arg(text));
        return false;
    }
    request->method = UploadRequest::Method::S3;
    request->url = url;
    if (parser.isSet(endpoint)) {
        QUrl e;
        QString error;
        if (!parseUrl(parser.value(endpoint), &e, &error)) {
            fail(QStringLiteral("--endpoint: ") + error);
            return false;
        }
        request->s3Endpoint = parser.value(endpoint).trimmed();
    }
    request->s3Region = parser.value(region).trimmed();
    request->s3Profile = parser.value(profile).trimmed();
    if (parser.isSet(partSize)) {
        if (!parseRate(parser.value(partSize), &request->partSize) ||
            request->partSize < (5LL << 20) || request->partSize > (5LL << 30)) {
            fail(tr("--part-size must be a size from 5M to 5G, not '%1'")
                     .arg(parser.value(partSize)));
            return false;
        }
    }
    if (parser.isSet(parallel) &&
        !detail::parseCount(parser.value(parallel), 1, 64, &request->parallelParts)) {
        fail(tr("--parallel must be a number from 1 to 64, not '%1'").arg(parser.value(parallel)));
        return false;
    }
    if (parser.isSet(addressing)) {
        const QString style = parser.value(addressing).trimmed().toLower();
        if (style == QLatin1String("path"))
            request->s3Addressing = UploadRequest::S3Addressing::Path;
        else if (style == QLatin1String("virtual"))
            request->s3Addressing = UploadRequest::S3Addressing::VirtualHosted;
        else {
            fail(tr("--addressing must be 'path' or 'virtual', not '%1'")
                     .arg(parser.value(addressing)));
            return false;
        }
    }
    return true;
}

} // namespace bt::cli
