#pragma once

#include "model/TransferRecord.h"

#include <QTest>

namespace bt::storetest {

// A record with every field set to something other than its default.
inline TransferRecord makeRecord(int n)
{
    TransferRecord r;
    r.direction = TransferDirection::Download;
    r.state = TransferState::Paused;
    r.url = QUrl(QStringLiteral("https://example.org/files/f%1.iso?x=%C3%A9&y=1#frag").arg(n));
    r.finalUrl = QUrl(QStringLiteral("https://cdn.example.org/pub/f%1.iso").arg(n));
    r.destination = QStringLiteral("/home/u/Downloads/fichier é %1.iso").arg(n);
    r.directory = QStringLiteral("/home/u/Downloads");
    r.requestedName = QStringLiteral("fichier é %1.iso").arg(n);
    r.totalSize = 5'000'000'000LL + n; // beyond 32 bits
    r.doneSize = 1'234'567'890LL;
    r.etag = QByteArrayLiteral("\"abc-") + QByteArray::number(n) + '"';
    r.lastModified = QByteArrayLiteral("Wed, 21 Oct 2015 07:28:00 GMT");
    r.segments = {{0, 2'500'000'000LL, 1'000'000'000LL},
                  {2'500'000'000LL, 5'000'000'000LL + n, 234'567'890LL}};
    r.expectedChecksum = QStringLiteral("sha256=") + QString(64, QLatin1Char('a'));
    r.sha256 = QString(64, QLatin1Char('b'));
    r.errorCode = 7;
    r.lastError = QStringLiteral("Connection reset by peer");
    r.added = QDateTime::fromMSecsSinceEpoch(1'700'000'000'123LL + n);
    r.updated = QDateTime::fromMSecsSinceEpoch(1'700'000'100'456LL + n);
    r.completed = QDateTime::fromMSecsSinceEpoch(1'700'000'200'789LL + n);
    r.priority = -3;
    r.position = 42 + n;
    r.uploadUrl = QStringLiteral("https://tus.example.org/files/%1").arg(n);
    r.options = {
        {QStringLiteral("connections"), 8},
        {QStringLiteral("limit"), 1048576.5},
        {QStringLiteral("insecure"), true},
        {QStringLiteral("headers"),
         QVariantList{QStringLiteral("X-A: 1"), QStringLiteral("X-B: 2")}},
        {QStringLiteral("nested"), QVariantMap{{QStringLiteral("k"), QStringLiteral("v")}}},
    };
    return r;
}

// QCOMPARE every field; check QTest::currentTestFailed() after calling.
inline void compareRecords(const TransferRecord &a, const TransferRecord &b)
{
    QCOMPARE(a.id, b.id);
    QCOMPARE(int(a.direction), int(b.direction));
    QCOMPARE(int(a.state), int(b.state));
    QCOMPARE(a.url, b.url);
    QCOMPARE(a.finalUrl, b.finalUrl);
    QCOMPARE(a.destination, b.destination);
    QCOMPARE(a.directory, b.directory);
    QCOMPARE(a.requestedName, b.requestedName);
    QCOMPARE(a.totalSize, b.totalSize);
    QCOMPARE(a.doneSize, b.doneSize);
    QCOMPARE(a.etag, b.etag);
    QCOMPARE(a.lastModified, b.lastModified);
    QVERIFY(a.segments == b.segments);
    QCOMPARE(a.expectedChecksum, b.expectedChecksum);
    QCOMPARE(a.sha256, b.sha256);
    QCOMPARE(a.errorCode, b.errorCode);
    QCOMPARE(a.lastError, b.lastError);
    QCOMPARE(a.added, b.added);
    QCOMPARE(a.updated, b.updated);
    QCOMPARE(a.completed, b.completed);
    QCOMPARE(a.priority, b.priority);
    QCOMPARE(a.position, b.position);
    QCOMPARE(a.uploadUrl, b.uploadUrl);
    QCOMPARE(a.options, b.options);
}

} // namespace bt::storetest
