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
           "tus uploads resume: if an upload was interrupted, run the same command again\n"
           "to continue from where the server is. PUT and POST start over."));
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
    parser.addOptions({tus, put, post, form, archive, shared.header, shared.user, bearer,
                       shared.retries, shared.retryMaxWait, shared.stall, shared.limit,
                       shared.insecure, shared.cacert, shared.proxy, noResume, shared.dataDir,
                       shared.quiet, shared.json});
    parser.addPositionalArgument(QStringLiteral("FILE|DIR"), tr("What to upload."));
    parser.addPositionalArgument(QStringLiteral("URL"), tr("Where to (http or https)."));

    m_helpText =
        withUsageLine(parser.helpText(), tr("Usage: btstream put [options] FILE|DIR URL")) +
        QLatin1Char('\n') + exitCodeHelp();

    if (!parser.parse(arguments))
        return fail(parser.errorText());
    if (parser.isSet(help))
        return Action::Help;

    const QStringList positional = parser.positionalArguments();
    if (positional.size() < 2)
        return fail(tr("put needs a FILE (or DIR) and a URL"));
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
    if (!parseUrl(positional.at(1), &request.url, &error))
        return fail(error);

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

    if (!parseCommon(parser, shared))
        return Action::Error;
    m_upload = request;
    return Action::Put;
}

} // namespace bt::cli
