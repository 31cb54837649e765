<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>bt::ui::AddDownloadDialog</name>
    <message>
        <source>Start &amp;paused</source>
        <translation>&amp;Pausiert beginnen</translation>
    </message>
    <message>
        <source>Add Download</source>
        <translation>Download hinzufügen</translation>
    </message>
    <message>
        <source>One URL a line: https://example.org/file.iso</source>
        <translation>Eine URL pro Zeile: https://example.org/datei.iso</translation>
    </message>
    <message>
        <source>From the server</source>
        <translation>Vom Server</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source>sha256=HEX (optional)</source>
        <translation>sha256=HEX (optional)</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>…</source>
        <translation>…</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>&amp;URLs:</source>
        <translation>&amp;URLs:</translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>File &amp;name:</source>
        <translation>Datei&amp;name:</translation>
    </message>
    <message>
        <source>&amp;Connections:</source>
        <translation>&amp;Verbindungen:</translation>
    </message>
    <message>
        <source>C&amp;hecksum:</source>
        <translation>&amp;Prüfsumme:</translation>
    </message>
    <message>
        <source>Enter at least one URL.</source>
        <translation>Geben Sie mindestens eine URL ein.</translation>
    </message>
    <message>
        <source>Not an http or https URL: %1</source>
        <translation>Keine http- oder https-URL: %1</translation>
    </message>
    <message>
        <source>Choose a folder.</source>
        <translation>Wählen Sie einen Ordner.</translation>
    </message>
    <message>
        <source>The folder is a file: %1</source>
        <translation>Der Ordner ist eine Datei: %1</translation>
    </message>
    <message>
        <source>A file name can only be given for one URL.</source>
        <translation>Ein Dateiname kann nur für eine einzelne URL angegeben werden.</translation>
    </message>
    <message>
        <source>The file name must not contain a slash.</source>
        <translation>Der Dateiname darf keinen Schrägstrich enthalten.</translation>
    </message>
    <message>
        <source>The checksum must be 64 hex digits (sha256), optionally after &quot;sha256=&quot;.</source>
        <translation>Die Prüfsumme muss aus 64 Hexadezimalziffern bestehen (sha256), optional nach „sha256=“.</translation>
    </message>
    <message>
        <source>Download Folder</source>
        <translation>Download-Ordner</translation>
    </message>
    <message>
        <source>Sorted by type into sub-folders (Settings, Files).</source>
        <translation>Nach Typ in Unterordner sortiert (Einstellungen, Dateien).</translation>
    </message>
    <message>
        <source>Sorted by type into: %1</source>
        <translation>Nach Typ sortiert in: %1</translation>
    </message>
</context>
<context>
    <name>bt::ui::CredentialStore</name>
    <message>
        <source>no keyring (Secret Service or KWallet) is available</source>
        <translation>kein Schlüsselbund (Secret Service oder KWallet) verfügbar ist</translation>
    </message>
    <message>
        <source>the keyring refused access (%1)</source>
        <translation>der Schlüsselbund den Zugriff verweigert hat (%1)</translation>
    </message>
    <message>
        <source>no keyring is available (%1)</source>
        <translation>kein Schlüsselbund verfügbar ist (%1)</translation>
    </message>
</context>
<context>
    <name>bt::ui::DetailsPane</name>
    <message>
        <source>Log</source>
        <translation>Protokoll</translation>
    </message>
    <message>
        <source>URL:</source>
        <translation>URL:</translation>
    </message>
    <message>
        <source>File:</source>
        <translation>Datei:</translation>
    </message>
    <message>
        <source>%1 (redirected to %2)</source>
        <translation>%1 (umgeleitet nach %2)</translation>
    </message>
    <message>
        <source>Validators:</source>
        <translation>Validatoren:</translation>
    </message>
    <message>
        <source>Checksum:</source>
        <translation>Prüfsumme:</translation>
    </message>
    <message>
        <source>Last error:</source>
        <translation>Letzter Fehler:</translation>
    </message>
    <message>
        <source>Segments:</source>
        <translation>Segmente:</translation>
    </message>
    <message>
        <source>ETag %1</source>
        <translation>ETag %1</translation>
    </message>
    <message>
        <source>Last-Modified %1</source>
        <translation>Last-Modified %1</translation>
    </message>
    <message>
        <source>none</source>
        <translation>keine</translation>
    </message>
    <message>
        <source>expected %1</source>
        <translation>erwartet %1</translation>
    </message>
    <message>
        <source>sha256 %1</source>
        <translation>sha256 %1</translation>
    </message>
</context>
<context>
    <name>bt::ui::FolderRule</name>
    <message>
        <source>Video</source>
        <translation>Video</translation>
    </message>
    <message>
        <source>Music</source>
        <translation>Musik</translation>
    </message>
    <message>
        <source>Pictures</source>
        <translation>Bilder</translation>
    </message>
    <message>
        <source>Archives</source>
        <translation>Archive</translation>
    </message>
    <message>
        <source>Documents</source>
        <translation>Dokumente</translation>
    </message>
    <message>
        <source>Programs</source>
        <translation>Programme</translation>
    </message>
</context>
<context>
    <name>bt::ui::Format</name>
    <message>
        <source>%1/s</source>
        <translation>%1/s</translation>
    </message>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n Std.</numerusform>
            <numerusform>%n Std.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::MainWindow</name>
    <message>
        <source>BTFileStream</source>
        <translation>BTFileStream</translation>
    </message>
    <message>
        <source>All</source>
        <translation>Alle</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Lädt herunter</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Lädt hoch</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Search name or URL</source>
        <translation>Name oder URL suchen</translation>
    </message>
    <message>
        <source>Could not add: %1</source>
        <translation>Konnte nicht hinzugefügt werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Added %n download(s)</source>
        <translation>
            <numerusform>%n Download hinzugefügt</numerusform>
            <numerusform>%n Downloads hinzugefügt</numerusform>
        </translation>
    </message>
    <message>
        <source>Could not start the upload: %1</source>
        <translation>Der Upload konnte nicht gestartet werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Uploading %n item(s)</source>
        <translation>
            <numerusform>%n Element wird hochgeladen</numerusform>
            <numerusform>%n Elemente werden hochgeladen</numerusform>
        </translation>
    </message>
    <message>
        <source>Delete Files</source>
        <translation>Dateien löschen</translation>
    </message>
    <message numerus="yes">
        <source>Remove %n transfer(s) and delete the downloaded file(s) from the disk?</source>
        <translation>
            <numerusform>%n Übertragung entfernen und die heruntergeladene Datei von der Festplatte löschen?</numerusform>
            <numerusform>%n Übertragungen entfernen und die heruntergeladenen Dateien von der Festplatte löschen?</numerusform>
        </translation>
    </message>
    <message>
        <source>Upload Files</source>
        <translation>Dateien hochladen</translation>
    </message>
    <message>
        <source>↓ %1</source>
        <translation>↓ %1</translation>
    </message>
    <message>
        <source>0 B/s</source>
        <translation>0 B/s</translation>
    </message>
    <message>
        <source>↑ %1</source>
        <translation>↑ %1</translation>
    </message>
    <message>
        <source>%1 active, %2 queued, %3 total</source>
        <translation>%1 aktiv, %2 wartend, %3 insgesamt</translation>
    </message>
    <message>
        <source>Alternative speed limits</source>
        <translation>Alternative Geschwindigkeitsgrenzen</translation>
    </message>
    <message>
        <source>Transfer complete</source>
        <translation>Übertragung abgeschlossen</translation>
    </message>
    <message>
        <source>Transfer failed</source>
        <translation>Übertragung fehlgeschlagen</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>&amp;Add Download…</source>
        <translation>Download &amp;hinzufügen…</translation>
    </message>
    <message>
        <source>Ctrl+N</source>
        <translation>Ctrl+N</translation>
    </message>
    <message>
        <source>&amp;Upload Files…</source>
        <translation>Dateien &amp;hochladen…</translation>
    </message>
    <message>
        <source>Ctrl+U</source>
        <translation>Ctrl+U</translation>
    </message>
    <message>
        <source>&amp;Pause</source>
        <translation>&amp;Pausieren</translation>
    </message>
    <message>
        <source>Ctrl+P</source>
        <translation>Ctrl+P</translation>
    </message>
    <message>
        <source>&amp;Resume</source>
        <translation>&amp;Fortsetzen</translation>
    </message>
    <message>
        <source>Ctrl+R</source>
        <translation>Ctrl+R</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>A&amp;bbrechen</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>Re&amp;try</source>
        <translation>&amp;Wiederholen</translation>
    </message>
    <message>
        <source>Ctrl+T</source>
        <translation>Ctrl+T</translation>
    </message>
    <message>
        <source>Re&amp;move</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>Remove and &amp;Delete File…</source>
        <translation>Entfernen und Datei &amp;löschen…</translation>
    </message>
    <message>
        <source>Shift+Del</source>
        <translation>Shift+Del</translation>
    </message>
    <message>
        <source>&amp;Open File</source>
        <translation>Datei ö&amp;ffnen</translation>
    </message>
    <message>
        <source>Ctrl+O</source>
        <translation>Ctrl+O</translation>
    </message>
    <message>
        <source>Open &amp;Folder</source>
        <translation>&amp;Ordner öffnen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+O</source>
        <translation>Ctrl+Shift+O</translation>
    </message>
    <message>
        <source>&amp;Copy URL</source>
        <translation>URL &amp;kopieren</translation>
    </message>
    <message>
        <source>Ctrl+Shift+C</source>
        <translation>Ctrl+Shift+C</translation>
    </message>
    <message>
        <source>Move &amp;Up</source>
        <translation>Nach &amp;oben</translation>
    </message>
    <message>
        <source>Ctrl+Up</source>
        <translation>Ctrl+Up</translation>
    </message>
    <message>
        <source>Move Do&amp;wn</source>
        <translation>Nach &amp;unten</translation>
    </message>
    <message>
        <source>Ctrl+Down</source>
        <translation>Ctrl+Down</translation>
    </message>
    <message>
        <source>Pause &amp;All</source>
        <translation>&amp;Alle pausieren</translation>
    </message>
    <message>
        <source>Ctrl+Shift+P</source>
        <translation>Ctrl+Shift+P</translation>
    </message>
    <message>
        <source>Resume A&amp;ll</source>
        <translation>A&amp;lle fortsetzen</translation>
    </message>
    <message>
        <source>Ctrl+Shift+R</source>
        <translation>Ctrl+Shift+R</translation>
    </message>
    <message>
        <source>Alternative &amp;Speed Limits</source>
        <translation>Alternative &amp;Geschwindigkeitsgrenzen</translation>
    </message>
    <message>
        <source>Ctrl+L</source>
        <translation>Ctrl+L</translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation>&amp;Einstellungen…</translation>
    </message>
    <message>
        <source>Ctrl+,</source>
        <translation>Ctrl+,</translation>
    </message>
    <message>
        <source>&amp;Find</source>
        <translation>&amp;Suchen</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>Ctrl+Q</source>
        <translation>Ctrl+Q</translation>
    </message>
    <message>
        <source>&amp;About BTFileStream</source>
        <translation>&amp;Über BTFileStream</translation>
    </message>
    <message>
        <source>About BTFileStream</source>
        <translation>Über BTFileStream</translation>
    </message>
    <message>
        <source>&lt;b&gt;BTFileStream %1&lt;/b&gt;&lt;p&gt;Downloads and uploads that survive cuts, restarts and crashes.&lt;/p&gt;</source>
        <translation>&lt;b&gt;BTFileStream %1&lt;/b&gt;&lt;p&gt;Downloads und Uploads, die Verbindungsabbrüche, Neustarts und Abstürze überstehen.&lt;/p&gt;</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Datei</translation>
    </message>
    <message>
        <source>&amp;Transfer</source>
        <translation>Ü&amp;bertragung</translation>
    </message>
    <message>
        <source>&amp;Queue</source>
        <translation>&amp;Warteschlange</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Hilfe</translation>
    </message>
    <message>
        <source>Main</source>
        <translation>Hauptleiste</translation>
    </message>
    <message>
        <source>Drop links to download
or files to upload</source>
        <translation>Links ablegen zum Herunterladen,
Dateien zum Hochladen</translation>
    </message>
    <message>
        <source>Extracting %1… %2%</source>
        <translation>%1 wird entpackt … %2 %</translation>
    </message>
    <message>
        <source>Extraction failed: %1</source>
        <translation>Entpacken fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Extraction failed</source>
        <translation>Entpacken fehlgeschlagen</translation>
    </message>
    <message numerus="yes">
        <source>Extracted %n file(s) into %1</source>
        <translation>
            <numerusform>%n Datei nach %1 entpackt</numerusform>
            <numerusform>%n Dateien nach %1 entpackt</numerusform>
        </translation>
    </message>
    <message>
        <source>Skipped (device file or fifo): %1</source>
        <translation>Übersprungen (Gerätedatei oder FIFO): %1</translation>
    </message>
    <message>
        <source>Archive extracted</source>
        <translation>Archiv entpackt</translation>
    </message>
    <message>
        <source>%1 → %2</source>
        <translation>%1 → %2</translation>
    </message>
    <message>
        <source>Extracted %1 into %2</source>
        <translation>%1 nach %2 entpackt</translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entry(s) refused: %2</source>
        <translation>
            <numerusform>%1: %n Eintrag abgelehnt: %2</numerusform>
            <numerusform>%1: %n Einträge abgelehnt: %2</numerusform>
        </translation>
    </message>
    <message>
        <source>Archive extracted, entries refused</source>
        <translation>Archiv entpackt, Einträge abgelehnt</translation>
    </message>
    <message>
        <source>Ctrl+Home</source>
        <translation>Ctrl+Home</translation>
    </message>
    <message>
        <source>Move to &amp;Bottom</source>
        <translation>Ganz nach un&amp;ten</translation>
    </message>
    <message>
        <source>Ctrl+End</source>
        <translation>Ctrl+End</translation>
    </message>
    <message>
        <source>Mo&amp;ve to Top</source>
        <translation>&amp;Ganz nach oben</translation>
    </message>
    <message>
        <source>%1 is not an archive.</source>
        <translation>%1 ist kein Archiv.</translation>
    </message>
    <message>
        <source>E&amp;xtract Archive</source>
        <translation>Archiv e&amp;ntpacken</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>There is no upload target yet: add one (its URL and method), then drop the files again.</source>
        <translation>Es gibt noch kein Upload-Ziel: Legen Sie eines an (URL und Methode) und ziehen Sie die Dateien dann erneut hierher.</translation>
    </message>
    <message>
        <source>Upload To</source>
        <translation>Hochladen nach</translation>
    </message>
    <message numerus="yes">
        <source>Upload %n item(s) to:</source>
        <translation>
            <numerusform>%n Element hochladen nach:</numerusform>
            <numerusform>%n Elemente hochladen nach:</numerusform>
        </translation>
    </message>
    <message>
        <source>Enter the password or token for “%1”: it was not saved, because %2.</source>
        <translation>Geben Sie das Passwort oder Token für „%1“ ein: Es wurde nicht gespeichert, weil %2.</translation>
    </message>
    <message>
        <source>Enter the password or token for “%1”.</source>
        <translation>Geben Sie das Passwort oder Token für „%1“ ein.</translation>
    </message>
    <message numerus="yes">
        <source>Uploading %n item(s) to %1</source>
        <translation>
            <numerusform>%n Element wird nach %1 hochgeladen</numerusform>
            <numerusform>%n Elemente werden nach %1 hochgeladen</numerusform>
        </translation>
    </message>
    <message>
        <source>The password or token for “%1” is kept in memory until BTFileStream quits. It is not saved, because %2. Enter it again after a restart, or install a keyring (GNOME Keyring, KWallet) to keep it.</source>
        <translation>Das Passwort oder Token für „%1“ wird nur im Arbeitsspeicher gehalten, bis BTFileStream beendet wird. Es wird nicht gespeichert, weil %2. Geben Sie es nach einem Neustart erneut ein, oder installieren Sie einen Schlüsselbund (GNOME Keyring, KWallet), um es aufzubewahren.</translation>
    </message>
    <message>
        <source>Credentials Not Saved</source>
        <translation>Zugangsdaten nicht gespeichert</translation>
    </message>
    <message>
        <source>Passwords and tokens are kept in memory for this session only, because %1.</source>
        <translation>Passwörter und Tokens werden nur für diese Sitzung im Arbeitsspeicher gehalten, weil %1.</translation>
    </message>
</context>
<context>
    <name>bt::ui::SettingsDialog</name>
    <message>
        <source> KiB/s</source>
        <translation> KiB/s</translation>
    </message>
    <message>
        <source>Unlimited</source>
        <translation>Unbegrenzt</translation>
    </message>
    <message>
        <source>Start transfers only in this &amp;daily window:</source>
        <translation>Übertragungen nur in diesem &amp;täglichen Zeitfenster starten:</translation>
    </message>
    <message>
        <source>&amp;Close to the tray</source>
        <translation>Beim Schließen in den &amp;Systembereich minimieren</translation>
    </message>
    <message>
        <source>&amp;Watch the clipboard for links</source>
        <translation>&amp;Zwischenablage auf Links überwachen</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>Einstellungen</translation>
    </message>
    <message>
        <source>No limit</source>
        <translation>Keine Grenze</translation>
    </message>
    <message>
        <source>Automatic</source>
        <translation>Automatisch</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>01:00-07:00</source>
        <translation>01:00-07:00</translation>
    </message>
    <message>
        <source>The XDG download folder</source>
        <translation>Der XDG-Download-Ordner</translation>
    </message>
    <message>
        <source>From the system (http_proxy)</source>
        <translation>Vom System (http_proxy)</translation>
    </message>
    <message>
        <source>&amp;Downloads</source>
        <translation>&amp;Downloads</translation>
    </message>
    <message>
        <source>&amp;Speed</source>
        <translation>&amp;Geschwindigkeit</translation>
    </message>
    <message>
        <source>&amp;Network</source>
        <translation>&amp;Netzwerk</translation>
    </message>
    <message>
        <source>&amp;Window</source>
        <translation>&amp;Fenster</translation>
    </message>
    <message>
        <source>Choose a folder</source>
        <translation>Ordner wählen</translation>
    </message>
    <message>
        <source>Download Folder</source>
        <translation>Download-Ordner</translation>
    </message>
    <message>
        <source>Download &amp;folder:</source>
        <translation>Download-&amp;Ordner:</translation>
    </message>
    <message>
        <source>&amp;Active transfers at once:</source>
        <translation>&amp;Gleichzeitig aktive Übertragungen:</translation>
    </message>
    <message>
        <source>Active transfers per &amp;host:</source>
        <translation>Aktive Übertragungen pro &amp;Server:</translation>
    </message>
    <message>
        <source>&amp;Connections per download:</source>
        <translation>&amp;Verbindungen pro Download:</translation>
    </message>
    <message>
        <source>&amp;Retries after an error:</source>
        <translation>&amp;Wiederholungen nach einem Fehler:</translation>
    </message>
    <message>
        <source>S&amp;tall timeout:</source>
        <translation>&amp;Zeitlimit bei Stillstand:</translation>
    </message>
    <message>
        <source>&amp;Download limit:</source>
        <translation>&amp;Download-Grenze:</translation>
    </message>
    <message>
        <source>&amp;Upload limit:</source>
        <translation>&amp;Upload-Grenze:</translation>
    </message>
    <message>
        <source>&lt;b&gt;Alternative limits&lt;/b&gt; (switched from the toolbar or the tray)</source>
        <translation>&lt;b&gt;Alternative Grenzen&lt;/b&gt; (umschaltbar in der Werkzeugleiste oder im Systembereich)</translation>
    </message>
    <message>
        <source>Alternative d&amp;ownload limit:</source>
        <translation>Alternative D&amp;ownload-Grenze:</translation>
    </message>
    <message>
        <source>Alternative u&amp;pload limit:</source>
        <translation>Alternative U&amp;pload-Grenze:</translation>
    </message>
    <message>
        <source>&amp;Window (HH:mm-HH:mm):</source>
        <translation>&amp;Zeitfenster (HH:mm-HH:mm):</translation>
    </message>
    <message>
        <source>&amp;Proxy:</source>
        <translation>&amp;Proxy:</translation>
    </message>
    <message>
        <source>A changed proxy is used after a restart.</source>
        <translation>Ein geänderter Proxy wird nach einem Neustart verwendet.</translation>
    </message>
    <message>
        <source>The window must look like 01:00-07:00.</source>
        <translation>Das Zeitfenster muss wie 01:00-07:00 aussehen.</translation>
    </message>
    <message>
        <source>The proxy must look like http://host:port.</source>
        <translation>Der Proxy muss wie http://host:port aussehen.</translation>
    </message>
    <message>
        <source>&amp;Extract archives when a download completes</source>
        <translation>Archive nach dem Download &amp;entpacken</translation>
    </message>
    <message>
        <source>&amp;Files</source>
        <translation>Date&amp;ien</translation>
    </message>
    <message>
        <source>Into a new folder beside the archive. Entries that would land outside it are refused.</source>
        <translation>In einen neuen Ordner neben dem Archiv. Einträge, die außerhalb davon landen würden, werden abgelehnt.</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Typ</translation>
    </message>
    <message>
        <source>Extensions</source>
        <translation>Endungen</translation>
    </message>
    <message>
        <source>Folder</source>
        <translation>Ordner</translation>
    </message>
    <message>
        <source>Extensions separated by spaces; a folder is a sub-folder of the download folder (or an absolute path).</source>
        <translation>Endungen durch Leerzeichen getrennt; ein Ordner ist ein Unterordner des Download-Ordners (oder ein absoluter Pfad).</translation>
    </message>
    <message>
        <source>Choose a folder for %1.</source>
        <translation>Wählen Sie einen Ordner für %1.</translation>
    </message>
    <message>
        <source>Sort downloads into sub-folders by file t&amp;ype</source>
        <translation>Downloads nach Dateit&amp;yp in Unterordner sortieren</translation>
    </message>
    <message>
        <source>&amp;Uploads</source>
        <translation>&amp;Uploads</translation>
    </message>
</context>
<context>
    <name>bt::ui::SpeedGraph</name>
    <message>
        <source>No speed samples yet</source>
        <translation>Noch keine Geschwindigkeitswerte</translation>
    </message>
    <message>
        <source>Peak %1</source>
        <translation>Spitze %1</translation>
    </message>
</context>
<context>
    <name>bt::ui::TransferModel</name>
    <message>
        <source>Scheduled</source>
        <translation>Geplant</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>Wartend</translation>
    </message>
    <message>
        <source>Uploading</source>
        <translation>Lädt hoch</translation>
    </message>
    <message>
        <source>Downloading</source>
        <translation>Lädt herunter</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>Pausiert</translation>
    </message>
    <message>
        <source>Verifying</source>
        <translation>Wird geprüft</translation>
    </message>
    <message>
        <source>Completed</source>
        <translation>Abgeschlossen</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Fehlgeschlagen</translation>
    </message>
    <message>
        <source>Upload</source>
        <translation>Upload</translation>
    </message>
    <message>
        <source>Download</source>
        <translation>Download</translation>
    </message>
    <message>
        <source>#</source>
        <translation>#</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>Direction</source>
        <translation>Richtung</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Größe</translation>
    </message>
    <message>
        <source>Progress</source>
        <translation>Fortschritt</translation>
    </message>
    <message>
        <source>Speed</source>
        <translation>Geschwindigkeit</translation>
    </message>
    <message>
        <source>ETA</source>
        <translation>Restzeit</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>Added</source>
        <translation>Hinzugefügt</translation>
    </message>
</context>
<context>
    <name>bt::ui::TrayIcon</name>
    <message>
        <source>&amp;Hide Window</source>
        <translation>Fenster &amp;ausblenden</translation>
    </message>
    <message>
        <source>&amp;Show Window</source>
        <translation>Fenster &amp;anzeigen</translation>
    </message>
    <message>
        <source>BTFileStream</source>
        <translation>BTFileStream</translation>
    </message>
    <message>
        <source>Down: %1  Up: %2</source>
        <translation>Herunter: %1  Hoch: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n active</source>
        <translation>
            <numerusform>%n aktiv</numerusform>
            <numerusform>%n aktiv</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n wartend</numerusform>
            <numerusform>%n wartend</numerusform>
        </translation>
    </message>
    <message>
        <source>Idle</source>
        <translation>Untätig</translation>
    </message>
</context>
<context>
    <name>bt::ui::UploadTargetsPage</name>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Hinzufügen</translation>
    </message>
    <message>
        <source>Remo&amp;ve</source>
        <translation>&amp;Entfernen</translation>
    </message>
    <message>
        <source>https://example.org/files/</source>
        <translation>https://example.org/files/</translation>
    </message>
    <message>
        <source>tus (resumable)</source>
        <translation>tus (fortsetzbar)</translation>
    </message>
    <message>
        <source>HTTP PUT / WebDAV</source>
        <translation>HTTP PUT / WebDAV</translation>
    </message>
    <message>
        <source>Multipart POST</source>
        <translation>Multipart-POST</translation>
    </message>
    <message>
        <source>Archive (tar.gz)</source>
        <translation>Archiv (tar.gz)</translation>
    </message>
    <message>
        <source>Archive (tar.zst)</source>
        <translation>Archiv (tar.zst)</translation>
    </message>
    <message>
        <source>Archive (zip)</source>
        <translation>Archiv (zip)</translation>
    </message>
    <message>
        <source>Folder tree (WebDAV: one PUT a file)</source>
        <translation>Ordnerbaum (WebDAV: ein PUT pro Datei)</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Keine</translation>
    </message>
    <message>
        <source>User and password (Basic)</source>
        <translation>Benutzer und Passwort (Basic)</translation>
    </message>
    <message>
        <source>Token (Bearer)</source>
        <translation>Token (Bearer)</translation>
    </message>
    <message>
        <source>F&amp;olders:</source>
        <translation>&amp;Ordner:</translation>
    </message>
    <message>
        <source>&amp;Credentials:</source>
        <translation>&amp;Zugangsdaten:</translation>
    </message>
    <message>
        <source>&amp;Password or token:</source>
        <translation>&amp;Passwort oder Token:</translation>
    </message>
    <message>
        <source>The upload target “%1” needs an http or https URL.</source>
        <translation>Das Upload-Ziel „%1“ braucht eine http- oder https-URL.</translation>
    </message>
    <message>
        <source>Folders as a tree need HTTP PUT / WebDAV (“%1”).</source>
        <translation>Ordner als Baum brauchen HTTP PUT / WebDAV („%1“).</translation>
    </message>
    <message>
        <source>Enter the user name for “%1”.</source>
        <translation>Geben Sie den Benutzernamen für „%1“ ein.</translation>
    </message>
    <message>
        <source>Target %1</source>
        <translation>Ziel %1</translation>
    </message>
    <message>
        <source>(saved)</source>
        <translation>(gespeichert)</translation>
    </message>
    <message>
        <source>Na&amp;me:</source>
        <translation>Na&amp;me:</translation>
    </message>
    <message>
        <source>UR&amp;L:</source>
        <translation>UR&amp;L:</translation>
    </message>
    <message>
        <source>Me&amp;thod:</source>
        <translation>Me&amp;thode:</translation>
    </message>
    <message>
        <source>POST fi&amp;eld name:</source>
        <translation>POST-Feldn&amp;ame:</translation>
    </message>
    <message>
        <source>Use&amp;r:</source>
        <translation>&amp;Benutzer:</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>Download and upload manager.</source>
        <translation>Download- und Upload-Manager.</translation>
    </message>
    <message>
        <source>Keep the transfer database in DIR.</source>
        <translation>Die Übertragungsdatenbank in VERZ ablegen.</translation>
    </message>
    <message>
        <source>DIR</source>
        <translation>VERZ</translation>
    </message>
    <message>
        <source>Start in the tray.</source>
        <translation>Im Systembereich starten.</translation>
    </message>
    <message>
        <source>URLs to download.</source>
        <translation>Herunterzuladende URLs.</translation>
    </message>
    <message>
        <source>BTFileStream</source>
        <translation>BTFileStream</translation>
    </message>
    <message>
        <source>Cannot open the transfer database in %1:
%2</source>
        <translation>Die Übertragungsdatenbank in %1 kann nicht geöffnet werden:
%2</translation>
    </message>
</context>
</TS>
