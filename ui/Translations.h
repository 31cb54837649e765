#pragma once

class QCoreApplication;

namespace bt::ui {

// Installs the program's translations: English plural forms for every language ("1 download",
// not "1 download(s)"), then Qt's and the program's own for the locale, which win where they
// have a text.
void installTranslations(QCoreApplication *app);

} // namespace bt::ui
