#include "DigestHeader.h"

#include <algorithm>

namespace bt::http {

namespace {

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

int digestLength(QCryptographicHash::Algorithm algorithm)
{
    return QCryptographicHash::hashLength(algorithm);
}

bool decodeBase64(const QByteArray &text, QCryptographicHash::Algorithm algorithm, QByteArray *out)
{
    const auto result =
        QByteArray::fromBase64Encoding(text, QByteArray::AbortOnBase64DecodingErrors);
    if (!result || result.decoded.size() != digestLength(algorithm))
        return false;
    *out = result.decoded;
    return true;
}

bool isSfKeyChar(char c)
{
    // RFC 8941 key chars; upper case accepted too (lenient about servers' spelling).
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.' || c == '*';
}

bool isBase64Char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
}

// Skips to just after the next ',' that is outside an sf-string; for malformed members.
void skipMember(const QByteArray &s, qsizetype &pos)
{
    bool inString = false;
    while (pos < s.size()) {
        const char c = s.at(pos++);
        if (inString && c == '\\') {
            ++pos;
        } else if (c == '"') {
            inString = !inString;
        } else if (c == ',' && !inString) {
            return;
        }
    }
}

} // namespace

QList<DigestValue> parseReprDigest(const QByteArray &value)
{
    QList<DigestValue> out;
    const QByteArray &s = value;
    qsizetype pos = 0;
    while (pos < s.size()) {
        while (pos < s.size() && isOws(s.at(pos)))
            ++pos;
        if (pos >= s.size())
            break;
        const qsizetype keyStart = pos;
        while (pos < s.size() && isSfKeyChar(s.at(pos)))
            ++pos;
        const QByteArray key = s.mid(keyStart, pos - keyStart).toLower();
        // key=:base64: ; a bare key (boolean) or another item type is not a digest.
        if (key.isEmpty() || pos + 1 >= s.size() || s.at(pos) != '=' || s.at(pos + 1) != ':') {
            skipMember(s, pos);
            continue;
        }
        pos += 2;
        const qsizetype b64Start = pos;
        while (pos < s.size() && isBase64Char(s.at(pos)))
            ++pos;
        if (pos >= s.size() || s.at(pos) != ':') {
            skipMember(s, pos);
            continue;
        }
        const QByteArray b64 = s.mid(b64Start, pos - b64Start);
        ++pos;
        // Parameters (;key[=value]) and trailing OWS up to ',' are ignored.
        while (pos < s.size() && isOws(s.at(pos)))
            ++pos;
        const bool clean = pos >= s.size() || s.at(pos) == ',' || s.at(pos) == ';';
        skipMember(s, pos);
        if (!clean)
            continue;

        DigestValue d;
        if (key == "sha-256")
            d.algorithm = QCryptographicHash::Sha256;
        else if (key == "sha-512")
            d.algorithm = QCryptographicHash::Sha512;
        else
            continue;
        if (!decodeBase64(b64, d.algorithm, &d.digest))
            continue;
        // RFC 8941 4.2.2: a key seen again overwrites the earlier value.
        auto same = [&](const DigestValue &v) { return v.algorithm == d.algorithm; };
        const auto it = std::find_if(out.begin(), out.end(), same);
        if (it != out.end())
            *it = d;
        else
            out.append(d);
    }
    return out;
}

QList<DigestValue> parseDigest(const QByteArray &value)
{
    QList<DigestValue> out;
    const QList<QByteArray> members = value.split(',');
    for (const QByteArray &raw : members) {
        const QByteArray member = raw.trimmed();
        const qsizetype eq = member.indexOf('=');
        if (eq <= 0)
            continue;
        const QByteArray name = member.left(eq).trimmed().toLower();
        const QByteArray encoded = member.mid(eq + 1).trimmed();
        DigestValue d;
        if (name == "sha-256" || name == "sha256")
            d.algorithm = QCryptographicHash::Sha256;
        else if (name == "sha-512" || name == "sha512")
            d.algorithm = QCryptographicHash::Sha512;
        else if (name == "md5")
            d.algorithm = QCryptographicHash::Md5;
        else
            continue;
        if (decodeBase64(encoded, d.algorithm, &d.digest))
            out.append(d);
    }
    return out;
}

bool parseChecksumOption(const QString &text, DigestValue *out)
{
    const QString t = text.trimmed();
    const qsizetype eq = t.indexOf(QLatin1Char('='));
    if (eq <= 0)
        return false;
    const QString name = t.left(eq).trimmed().toLower();
    const QString hex = t.mid(eq + 1).trimmed();
    QCryptographicHash::Algorithm algorithm;
    if (name == QLatin1String("sha256") || name == QLatin1String("sha-256"))
        algorithm = QCryptographicHash::Sha256;
    else if (name == QLatin1String("sha512") || name == QLatin1String("sha-512"))
        algorithm = QCryptographicHash::Sha512;
    else if (name == QLatin1String("sha1") || name == QLatin1String("sha-1"))
        algorithm = QCryptographicHash::Sha1;
    else if (name == QLatin1String("md5"))
        algorithm = QCryptographicHash::Md5;
    else
        return false;
    if (hex.size() != 2 * digestLength(algorithm))
        return false;
    for (const QChar c : hex) {
        const char16_t u = c.unicode();
        const bool ok = (u >= '0' && u <= '9') || (u >= 'a' && u <= 'f') || (u >= 'A' && u <= 'F');
        if (!ok)
            return false;
    }
    if (out) {
        out->algorithm = algorithm;
        out->digest = QByteArray::fromHex(hex.toLatin1());
    }
    return true;
}

QString algorithmName(QCryptographicHash::Algorithm algorithm)
{
    switch (algorithm) {
    case QCryptographicHash::Sha256:
        return QStringLiteral("sha-256");
    case QCryptographicHash::Sha512:
        return QStringLiteral("sha-512");
    case QCryptographicHash::Sha1:
        return QStringLiteral("sha-1");
    case QCryptographicHash::Md5:
        return QStringLiteral("md5");
    default:
        return QStringLiteral("unknown");
    }
}

} // namespace bt::http
