#include "Translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace bt::ui {

void installTranslations(QCoreApplication *app)
{
    // Installed first, asked last: a language without a translation still gets the plurals.
    auto *plurals = new QTranslator(app);
    if (plurals->load(QStringLiteral(":/i18n/btfilestream_en")))
        QCoreApplication::installTranslator(plurals);
    auto *qt = new QTranslator(app);
    if (qt->load(QLocale(), QStringLiteral("qtbase"), QStringLiteral("_"),
                 QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(qt);
    auto *own = new QTranslator(app);
    if (own->load(QLocale(), QStringLiteral("btfilestream"), QStringLiteral("_"),
                  QStringLiteral(":/i18n")))
        QCoreApplication::installTranslator(own);
}

} // namespace bt::ui
