#pragma once

#include <QByteArray>
#include <QString>

namespace bt::test {

// Deterministic test data: `size` bytes from a seed (not all zeros, not compressible).
QByteArray makeTestData(qint64 size, quint32 seed = 1);
QByteArray sha256Hex(const QByteArray &data);
QByteArray fileSha256Hex(const QString &path);
// Some file under `dir` (its folders too, hidden files included) contains `needle`: for
// secrets that must not be on disk, in the store, its WAL or anywhere else.
bool anyFileContains(const QString &dir, const QByteArray &needle);

} // namespace bt::test
