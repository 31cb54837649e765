#include "ContentDisposition.h"

#include <QStringDecoder>

namespace bt::http {

namespace {

bool isOws(char c)
{
    return c == ' ' || c == '\t';
}

// RFC 9110 tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

class Cursor
{
public:
    explicit Cursor(const QByteArray &s) : m_s(s) {}
    bool atEnd() const { return m_pos >= m_s.size(); }
    char peek() const { return atEnd() ? '\0' : m_s.at(m_pos); }
    void skipOws()
    {
        while (!atEnd() && isOws(peek()))
            ++m_pos;
    }
    QByteArray token()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && isTokenChar(peek()))
            ++m_pos;
        return m_s.mid(start, m_pos - start);
    }
    // quoted-string with backslash escapes; the cursor is on the opening quote.
    bool quoted(QByteArray *out)
    {
        ++m_pos;
        while (!atEnd()) {
            char c = m_s.at(m_pos++);
            if (c == '"')
                return true;
            if (c == '\\') {
                if (atEnd())
                    return false;
                c = m_s.at(m_pos++);
            }
            out->append(c);
        }
        return false; // unterminated
    }
    // Unquoted value: RFC says token, but servers send spaces and such; take the rest up to ';'.
    QByteArray bareValue()
    {
        const qsizetype start = m_pos;
        while (!atEnd() && peek() != ';')
            ++m_pos;
        return m_s.mid(start, m_pos - start).trimmed();
    }
    // After a malformed parameter: resume at the next ';' outside a quoted string.
    void skipParameter()
    {
        bool inQuote = false;
        while (!atEnd()) {
            const char c = m_s.at(m_pos);
            if (inQuote && c == '\\') {
                m_pos += 2;
                continue;
            }
            if (c == '"')
                inQuote = !inQuote;
            else if (c == ';' && !inQuote)
                return;
            ++m_pos;
        }
    }
    void advance() { ++m_pos; }

private:
    const QByteArray &m_s;
    qsizetype m_pos = 0;
};

bool decodeStrict(QStringDecoder::Encoding encoding, const QByteArray &bytes, QString *out)
{
    QStringDecoder decoder(encoding, QStringDecoder::Flag::Stateless);
    *out = decoder.decode(bytes);
    return !decoder.hasError();
}

// RFC 8187 ext-value: charset "'" [ language ] "'" value-chars. Null when unusable.
QString decodeExtValue(const QByteArray &v)
{
    const qsizetype q1 = v.indexOf('\'');
    if (q1 <= 0)
        return {};
    const qsizetype q2 = v.indexOf('\'', q1 + 1);
    if (q2 < 0)
        return {};
    const QByteArray charset = v.left(q1).toLower();
    QByteArray bytes;
    for (qsizetype i = q2 + 1; i < v.size(); ++i) {
        const char c = v.at(i);
        if (c == '%') {
            if (i + 2 >= v.size())
                return {};
            const int hi = hexValue(v.at(i + 1));
            const int lo = hexValue(v.at(i + 2));
            if (hi < 0 || lo < 0)
                return {};
            bytes.append(char(hi * 16 + lo));
            i += 2;
        } else if (isTokenChar(c) && c != '\'' && c != '%') {
            bytes.append(c); // attr-char
        } else {
            return {};
        }
    }
    QString out;
    if (charset == "utf-8") {
        if (!decodeStrict(QStringDecoder::Utf8, bytes, &out))
            return {};
    } else if (charset == "iso-8859-1") {
        out = QString::fromLatin1(bytes);
    } else {
        return {}; // unknown charset: ignore filename*
    }
    return out;
}

// Plain filename="...": the bytes are supposed to be ISO-8859-1, but servers send UTF-8;
// take UTF-8 when the bytes are valid UTF-8, as browsers do.
QString decodePlain(const QByteArray &bytes)
{
    QString out;
    if (decodeStrict(QStringDecoder::Utf8, bytes, &out))
        return out;
    return QString::fromLatin1(bytes);
}

} // namespace

QString contentDispositionFileName(const QByteArray &value)
{
    Cursor c(value);
    c.skipOws();
    // disposition-type; a missing type ("filename=x" alone) is tolerated.
    const QByteArray type = c.token();
    c.skipOws();
    bool haveFirstParam = false;
    QByteArray firstName;
    if (c.peek() == '=' && !type.isEmpty()) {
        haveFirstParam = true;
        firstName = type;
    } else if (!c.atEnd() && c.peek() != ';') {
        return {}; // garbage after the type
    }

    QString plain;
    QString extended;
    bool havePlain = false;
    bool haveExtended = false;
    while (!c.atEnd()) {
        QByteArray name;
        if (haveFirstParam) {
            name = firstName;
            haveFirstParam = false;
        } else {
            if (c.peek() != ';')
                break;
            c.advance();
            c.skipOws();
            if (c.atEnd())
                break; // trailing ';'
            name = c.token();
            c.skipOws();
        }
        if (name.isEmpty() || c.peek() != '=') {
            c.skipParameter();
            continue;
        }
        c.advance();
        c.skipOws();
        QByteArray v;
        bool quoted = false;
        if (c.peek() == '"') {
            quoted = true;
            if (!c.quoted(&v))
                break; // unterminated quote: nothing after it can be trusted
            c.skipOws();
            if (!c.atEnd() && c.peek() != ';') {
                c.skipParameter();
                continue;
            }
        } else {
            v = c.bareValue();
        }
        const QByteArray lname = name.toLower();
        if (lname == "filename*" && !haveExtended) {
            if (quoted)
                continue; // ext-value is never quoted (RFC 8187)
            const QString decoded = decodeExtValue(v);
            if (!decoded.isNull()) {
                extended = decoded;
                haveExtended = true;
            }
        } else if (lname == "filename" && !havePlain) {
            plain = decodePlain(v);
            havePlain = true;
        }
    }
    if (haveExtended && !extended.isEmpty())
        return extended;
    return havePlain ? plain : QString();
}

} // namespace bt::http
