#include "metalink/Metalink.h"

#include "http/FileName.h"

#include <QCoreApplication>
#include <QDir>
#include <QXmlStreamReader>

#include <algorithm>

namespace bt::metalink {

namespace {

const QLatin1String kV4Namespace("urn:ietf:params:xml:ns:metalink");
const QLatin1String kV3Namespace("http://www.metalinker.org/");

struct RankedUrl
{
    QUrl url;
    int rank = 0; // lower is preferred
    int order = 0;
};

// "dir/name.iso" with every component sanitized; empty when unsafe (absolute, "..").
QString safeName(const QString &name)
{
    if (name.isEmpty() || name.startsWith(QLatin1Char('/')) || name.contains(QLatin1Char('\\')))
        return {};
    QStringList parts;
    for (const QString &part : name.split(QLatin1Char('/'), Qt::SkipEmptyParts)) {
        if (part == QLatin1String("."))
            continue;
        if (part == QLatin1String(".."))
            return {};
        parts.append(http::sanitizeFileName(part));
    }
    return parts.join(QLatin1Char('/'));
}

class Reader
{
public:
    Reader(const QByteArray &xml, const QUrl &base, Metalink *out)
        : m_xml(xml), m_base(base), m_out(out), m_empty(xml.trimmed().isEmpty())
    {
    }

    bool read(QString *error)
    {
        if (m_empty) {
            *error = tr("the document is empty");
            return false;
        }
        if (!m_xml.readNextStartElement()) {
            *error = m_xml.hasError() ? describeXmlError() : tr("the document is empty");
            return false;
        }
        const QStringView ns = m_xml.namespaceUri();
        if (m_xml.name() != QLatin1String("metalink") ||
            (ns != kV4Namespace && ns != kV3Namespace)) {
            *error = tr("not a metalink: the root element is <%1> in the namespace '%2'")
                         .arg(m_xml.name().toString(), ns.toString());
            return false;
        }
        m_out->version = ns == kV4Namespace ? 4 : 3;
        m_ns = ns.toString();
        while (m_xml.readNextStartElement()) {
            if (m_xml.name() == QLatin1String("file"))
                readFile();
            else if (m_xml.name() != QLatin1String("files")) // v3 wraps its <file>s
                m_xml.skipCurrentElement();
        }
        if (m_xml.hasError()) {
            *error = m_failure.isEmpty() ? describeXmlError() : m_failure;
            return false;
        }
        if (m_out->files.isEmpty()) {
            *error = tr("the metalink lists no file");
            return false;
        }
        return true;
    }

private:
    QString describeXmlError() const
    {
        return tr("malformed XML at line %1, column %2: %3")
            .arg(m_xml.lineNumber())
            .arg(m_xml.columnNumber())
            .arg(m_xml.errorString());
    }

    void failWith(const QString &message)
    {
        m_failure = message;
        m_xml.raiseError(message);
    }

    void readFile()
    {
        MetalinkFile file;
        const QString rawName = m_xml.attributes().value(QLatin1String("name")).toString();
        file.name = safeName(rawName.trimmed());
        if (file.name.isEmpty()) {
            failWith(tr("the file name '%1' is empty or leaves the download folder").arg(rawName));
            return;
        }
        QList<RankedUrl> urls;
        readFileChildren(&file, &urls);
        if (m_xml.hasError())
            return;
        std::stable_sort(urls.begin(), urls.end(), [](const RankedUrl &a, const RankedUrl &b) {
            return a.rank != b.rank ? a.rank < b.rank : a.order < b.order;
        });
        for (const RankedUrl &u : std::as_const(urls)) {
            if (!file.urls.contains(u.url))
                file.urls.append(u.url);
        }
        if (file.urls.isEmpty()) {
            failWith(tr("the file '%1' has no http or https URL").arg(file.name));
            return;
        }
        if (!file.pieceHashes.isEmpty() && file.size >= 0) {
            const qint64 needed = (file.size + file.pieceLength - 1) / file.pieceLength;
            if (needed != file.pieceHashes.size()) {
                failWith(tr("the file '%1' has %2 piece hashes, but %3 bytes in pieces of %4 "
                            "need %5")
                             .arg(file.name)
                             .arg(file.pieceHashes.size())
                             .arg(file.size)
                             .arg(file.pieceLength)
                             .arg(needed));
                return;
            }
        }
        if (file.size < 0)
            file.pieceHashes.clear(); // nothing to check them against
        // The strongest first: it is the one the end of the download checks first.
        std::stable_sort(file.hashes.begin(), file.hashes.end(),
                         [](const http::DigestValue &a, const http::DigestValue &b) {
                             return QCryptographicHash::hashLength(a.algorithm) >
                                    QCryptographicHash::hashLength(b.algorithm);
                         });
        m_out->files.append(file);
    }

    // <size>, <hash>, <pieces>, <url> of one <file>, v3's <verification> and <resources>
    // looked into.
    void readFileChildren(MetalinkFile *file, QList<RankedUrl> *urls)
    {
        while (!m_xml.hasError() && m_xml.readNextStartElement()) {
            const QStringView name = m_xml.name();
            if (name == QLatin1String("verification") || name == QLatin1String("resources")) {
                readFileChildren(file, urls);
            } else if (name == QLatin1String("size")) {
                readSize(file);
            } else if (name == QLatin1String("hash")) {
                readHash(file);
            } else if (name == QLatin1String("pieces")) {
                readPieces(file);
            } else if (name == QLatin1String("url")) {
                readUrl(urls);
            } else {
                m_xml.skipCurrentElement(); // metaurl, identity, version, signature...
            }
        }
    }

    void readSize(MetalinkFile *file)
    {
        const QString text = m_xml.readElementText().trimmed();
        bool ok = false;
        const qint64 size = text.toLongLong(&ok);
        if (!ok || size < 0)
            failWith(tr("the size '%1' is not a number of bytes").arg(text));
        else
            file->size = size;
    }

    void readHash(MetalinkFile *file)
    {
        const QString type = m_xml.attributes().value(QLatin1String("type")).toString();
        const QString hex = m_xml.readElementText().trimmed();
        QCryptographicHash::Algorithm algorithm;
        if (!algorithmOf(type, &algorithm)) {
            m_out->warnings.append(tr("skipped a hash of the unknown type '%1'").arg(type));
            return;
        }
        const QByteArray digest = decodeHex(hex, algorithm);
        if (digest.isEmpty())
            return;
        file->hashes.append(http::DigestValue{algorithm, digest});
    }

    QByteArray decodeHex(const QString &hex, QCryptographicHash::Algorithm algorithm)
    {
        const QByteArray digest = QByteArray::fromHex(hex.toLatin1());
        const bool hexOnly = std::all_of(hex.cbegin(), hex.cend(), [](QChar c) {
            return c.isDigit() ||
                   (c.toLower() >= QLatin1Char('a') && c.toLower() <= QLatin1Char('f'));
        });
        if (!hexOnly || digest.size() != QCryptographicHash::hashLength(algorithm)) {
            failWith(tr("the %1 hash '%2' is not %3 hex digits")
                         .arg(http::algorithmName(algorithm), hex)
                         .arg(2 * QCryptographicHash::hashLength(algorithm)));
            return {};
        }
        return digest;
    }

    void readPieces(MetalinkFile *file)
    {
        const QString type = m_xml.attributes().value(QLatin1String("type")).toString();
        const QString lengthText = m_xml.attributes().value(QLatin1String("length")).toString();
        bool ok = false;
        const qint64 length = lengthText.toLongLong(&ok);
        QCryptographicHash::Algorithm algorithm;
        if (!ok || length <= 0) {
            failWith(tr("the piece length '%1' is not a positive number").arg(lengthText));
            return;
        }
        if (!algorithmOf(type, &algorithm)) {
            m_out->warnings.append(tr("skipped piece hashes of the unknown type '%1'").arg(type));
            m_xml.skipCurrentElement();
            return;
        }
        QList<QByteArray> hashes;
        while (!m_xml.hasError() && m_xml.readNextStartElement()) {
            if (m_xml.name() != QLatin1String("hash")) {
                m_xml.skipCurrentElement();
                continue;
            }
            // v3 numbers its pieces; they must come in order.
            const QStringView piece = m_xml.attributes().value(QLatin1String("piece"));
            if (!piece.isEmpty() && piece.toLongLong() != hashes.size()) {
                failWith(tr("piece hash %1 is out of order").arg(piece.toString()));
                return;
            }
            const QByteArray digest = decodeHex(m_xml.readElementText().trimmed(), algorithm);
            if (digest.isEmpty())
                return;
            hashes.append(digest);
        }
        // Several <pieces>: the strongest algorithm wins.
        if (file->pieceHashes.isEmpty() ||
            QCryptographicHash::hashLength(algorithm) >
                QCryptographicHash::hashLength(file->pieceAlgorithm)) {
            file->pieceLength = length;
            file->pieceAlgorithm = algorithm;
            file->pieceHashes = hashes;
        }
    }

    void readUrl(QList<RankedUrl> *urls)
    {
        const QXmlStreamAttributes attributes = m_xml.attributes();
        // v4: priority 1 (best) to 999999; v3: preference 100 (best) to 0.
        int rank = 999999;
        if (m_out->version == 4 && attributes.hasAttribute(QLatin1String("priority")))
            rank = attributes.value(QLatin1String("priority")).toInt();
        else if (m_out->version == 3 && attributes.hasAttribute(QLatin1String("preference")))
            rank = 1000 - attributes.value(QLatin1String("preference")).toInt();
        // v3 names the kind of resource: torrents and the like are not fetched here.
        const QString type = attributes.value(QLatin1String("type")).toString().toLower();
        const QString text = m_xml.readElementText().trimmed();
        if (m_xml.hasError())
            return;
        if (m_out->version == 3 && !type.isEmpty() && type != QLatin1String("http") &&
            type != QLatin1String("https")) {
            m_out->warnings.append(tr("skipped the %1 resource '%2'").arg(type, text.left(200)));
            return;
        }
        QUrl url(text, QUrl::StrictMode);
        if (url.isValid() && url.isRelative()) {
            if (!m_base.isValid() || m_base.isLocalFile() || m_base.isRelative()) {
                m_out->warnings.append(
                    tr("skipped the relative URL '%1': the metalink has no address").arg(text));
                return;
            }
            url = m_base.resolved(url);
        }
        const QString scheme = url.scheme().toLower();
        if (!url.isValid() || url.host().isEmpty() ||
            (scheme != QLatin1String("http") && scheme != QLatin1String("https"))) {
            m_out->warnings.append(
                tr("skipped the URL '%1': only http and https are used").arg(text.left(200)));
            return;
        }
        url.setFragment({});
        urls->append(RankedUrl{url, rank, int(urls->size())});
    }

    QXmlStreamReader m_xml;
    QUrl m_base;
    Metalink *m_out;
    QString m_ns;
    QString m_failure;
    bool m_empty;

    // lupdate files the messages under the class they are in: same context at run time.
    Q_DECLARE_TR_FUNCTIONS(bt::metalink)
};

} // namespace

bool algorithmOf(const QString &type, QCryptographicHash::Algorithm *algorithm)
{
    QString t = type.trimmed().toLower();
    t.remove(QLatin1Char('-'));
    if (t == QLatin1String("sha256"))
        *algorithm = QCryptographicHash::Sha256;
    else if (t == QLatin1String("sha512"))
        *algorithm = QCryptographicHash::Sha512;
    else if (t == QLatin1String("sha384"))
        *algorithm = QCryptographicHash::Sha384;
    else if (t == QLatin1String("sha1"))
        *algorithm = QCryptographicHash::Sha1;
    else if (t == QLatin1String("md5"))
        *algorithm = QCryptographicHash::Md5;
    else
        return false;
    return true;
}

bool parse(const QByteArray &xml, const QUrl &base, Metalink *out, QString *error)
{
    *out = Metalink{};
    Reader reader(xml, base, out);
    return reader.read(error);
}

QList<DownloadRequest> requestsFor(const Metalink &metalink, const DownloadRequest &base)
{
    QList<DownloadRequest> requests;
    for (const MetalinkFile &file : metalink.files) {
        DownloadRequest request = base;
        request.url = file.urls.first();
        request.mirrors = file.urls.mid(1);
        const qsizetype slash = file.name.lastIndexOf(QLatin1Char('/'));
        request.fileName = file.name.mid(slash + 1);
        if (slash > 0)
            request.directory =
                QDir::cleanPath(QDir(base.directory).filePath(file.name.left(slash)));
        if (!file.hashes.isEmpty())
            request.checksums.append(file.hashes.first());
        request.expectedSize = file.size;
        if (!file.pieceHashes.isEmpty()) {
            request.pieces.length = file.pieceLength;
            request.pieces.algorithm = file.pieceAlgorithm;
            request.pieces.hashes = file.pieceHashes;
        }
        requests.append(request);
    }
    return requests;
}

bool looksLikeMetalink(const QString &pathOrUrl)
{
    QString path = pathOrUrl;
    const QUrl url(pathOrUrl);
    if (url.isValid() && !url.scheme().isEmpty() && url.scheme().size() > 1)
        path = url.path();
    return path.endsWith(QLatin1String(".meta4"), Qt::CaseInsensitive) ||
           path.endsWith(QLatin1String(".metalink"), Qt::CaseInsensitive);
}

} // namespace bt::metalink
