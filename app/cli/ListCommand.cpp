#include "ListCommand.h"

#include "ExitCode.h"
#include "queue/TransferExport.h"
#include "queue/TransferSnapshot.h"
#include "store/TransferStore.h"

#include <QCoreApplication>

#include <cstdio>

namespace bt::cli {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("bt::cli::ListCommand", text);
}

QByteArray table(const QList<TransferRecord> &records)
{
    QByteArray text;
    for (const TransferRecord &r : records) {
        const QString done = r.totalSize >= 0
                                 ? QStringLiteral("%1/%2").arg(r.doneSize).arg(r.totalSize)
                                 : QString::number(r.doneSize);
        text += QStringLiteral("%1\t%2\t%3\t%4\t%5\n")
                    .arg(r.id)
                    .arg(transferStateName(r.state), done,
                         TransferExport::withoutPassword(r.url).toString(),
                         r.destination.isEmpty() ? r.directory : r.destination)
                    .toUtf8();
    }
    return text;
}

} // namespace

int ListCommand::run(const QString &dataDir, CliOptions::ListFormat format)
{
    TransferStore store;
    Error error;
    const QString dir = dataDir.isEmpty() ? TransferStore::defaultDataDir() : dataDir;
    if (!store.open(dir, &error)) {
        std::fputs(tr("btstream: error: cannot open the transfer database in %1: %2\n")
                       .arg(dir, error.message)
                       .toLocal8Bit()
                       .constData(),
                   stderr);
        return ExitStore;
    }
    const QList<TransferRecord> records = store.loadAll();
    QByteArray text;
    switch (format) {
    case CliOptions::ListFormat::Json:
        text = TransferExport::toJson(records);
        break;
    case CliOptions::ListFormat::Urls:
        text = TransferExport::toUrlList(records);
        break;
    case CliOptions::ListFormat::Table:
        text = table(records);
        break;
    }
    std::fwrite(text.constData(), 1, size_t(text.size()), stdout);
    return std::fflush(stdout) == 0 ? int(ExitSuccess) : int(ExitFailure);
}

} // namespace bt::cli
