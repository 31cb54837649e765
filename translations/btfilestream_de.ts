<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="de_DE">
<context>
    <name>BrowserIntegration</name>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message>
        <source>Cannot remove %1: %2</source>
        <translation>%1 kann nicht entfernt werden: %2</translation>
    </message>
</context>
<context>
    <name>QObject</name>
    <message>
        <source>the actions after %1 were stopped</source>
        <translation>die Aktionen nach %1 wurden angehalten</translation>
    </message>
    <message>
        <source>extracting %1 failed: %2</source>
        <translation>Entpacken von %1 fehlgeschlagen: %2</translation>
    </message>
    <message>
        <source>extracting %1: entries refused (they would land outside %2): %3</source>
        <translation>Entpacken von %1: Einträge abgelehnt (sie lägen außerhalb von %2): %3</translation>
    </message>
    <message>
        <source>the command %1 has an unclosed quote</source>
        <translation>im Befehl %1 fehlt ein schließendes Anführungszeichen</translation>
    </message>
    <message>
        <source>the command names no program</source>
        <translation>der Befehl nennt kein Programm</translation>
    </message>
</context>
<context>
    <name>bt</name>
    <message>
        <source>%1: unknown field &quot;%2&quot;.</source>
        <translation>%1: unbekanntes Feld „%2“.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; must be a string.</source>
        <translation>„%1“ muss eine Zeichenkette sein.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is longer than %2 characters.</source>
        <translation>„%1“ ist länger als %2 Zeichen.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is missing.</source>
        <translation>„%1“ fehlt.</translation>
    </message>
    <message>
        <source>&quot;%1&quot; is not a valid URL.</source>
        <translation>„%1“ ist keine gültige URL.</translation>
    </message>
    <message>
        <source>&quot;%1&quot;: only http, https and ftp links can be downloaded, not %2.</source>
        <translation>„%1“: Nur http-, https- und ftp-Links können heruntergeladen werden, nicht %2.</translation>
    </message>
    <message>
        <source>&quot;cookies&quot; must be a list.</source>
        <translation>„cookies“ muss eine Liste sein.</translation>
    </message>
    <message>
        <source>&quot;cookies&quot; holds more than %1 cookies.</source>
        <translation>„cookies“ enthält mehr als %1 Cookies.</translation>
    </message>
    <message>
        <source>&quot;cookies&quot;: each cookie must be an object.</source>
        <translation>„cookies“: Jedes Cookie muss ein Objekt sein.</translation>
    </message>
    <message>
        <source>a cookie</source>
        <translation>ein Cookie</translation>
    </message>
    <message>
        <source>&quot;cookies&quot;: &quot;name&quot; and &quot;value&quot; must be strings.</source>
        <translation>„cookies“: „name“ und „value“ müssen Zeichenketten sein.</translation>
    </message>
    <message>
        <source>&quot;cookies&quot;: a cookie has a name or value that cannot be sent (empty, or with &apos;=&apos;, &apos;;&apos; or a line break).</source>
        <translation>„cookies“: Ein Cookie hat einen Namen oder Wert, der nicht gesendet werden kann (leer oder mit „=“, „;“ oder einem Zeilenumbruch).</translation>
    </message>
    <message>
        <source>&quot;size&quot; must be a whole number of bytes, or -1.</source>
        <translation>„size“ muss eine ganze Zahl von Bytes oder -1 sein.</translation>
    </message>
    <message>
        <source>several files or a folder go under a prefix: end the S3 address with &apos;/&apos; (s3://BUCKET/PREFIX/)</source>
        <translation>mehrere Dateien oder ein Ordner kommen unter ein Präfix: Beenden Sie die S3-Adresse mit „/“ (s3://BUCKET/PRÄFIX/)</translation>
    </message>
    <message>
        <source>several files or a folder go into a folder: end the address with &apos;/&apos; (ftp://HOST/DIR/)</source>
        <translation>mehrere Dateien oder ein Ordner kommen in einen Ordner: Beenden Sie die Adresse mit „/“ (ftp://HOST/VERZ/)</translation>
    </message>
    <message>
        <source>two files would get the same key &apos;%1&apos;</source>
        <translation>zwei Dateien bekämen denselben Schlüssel „%1“</translation>
    </message>
    <message>
        <source>%1 has no files to upload</source>
        <translation>%1 enthält keine Dateien zum Hochladen</translation>
    </message>
</context>
<context>
    <name>bt::AfterDownload</name>
    <message>
        <source>the command %1 was stopped</source>
        <translation>der Befehl %1 wurde angehalten</translation>
    </message>
    <message>
        <source>the command %1 was killed by a signal</source>
        <translation>der Befehl %1 wurde durch ein Signal beendet</translation>
    </message>
    <message>
        <source>the command %1 exited with code %2</source>
        <translation>der Befehl %1 endete mit Code %2</translation>
    </message>
    <message>
        <source>cannot run the command %1: %2</source>
        <translation>der Befehl %1 kann nicht ausgeführt werden: %2</translation>
    </message>
</context>
<context>
    <name>bt::ArchiveExtractor</name>
    <message>
        <source>No such archive: %1</source>
        <translation>Archiv nicht gefunden: %1</translation>
    </message>
    <message>
        <source>Cannot create a folder for %1 in %2</source>
        <translation>Für %1 kann in %2 kein Ordner angelegt werden</translation>
    </message>
    <message>
        <source>No such folder: %1</source>
        <translation>Ordner nicht gefunden: %1</translation>
    </message>
    <message>
        <source>No folder to extract into.</source>
        <translation>Kein Zielordner zum Entpacken angegeben.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>Extraction cancelled.</source>
        <translation>Entpacken abgebrochen.</translation>
    </message>
    <message>
        <source>The archive is damaged: %1</source>
        <translation>Das Archiv ist beschädigt: %1</translation>
    </message>
    <message>
        <source>%1: refused, %2</source>
        <translation>%1: abgelehnt, %2</translation>
    </message>
    <message>
        <source>An entry without a readable name: refused</source>
        <translation>Ein Eintrag ohne lesbaren Namen: abgelehnt</translation>
    </message>
    <message>
        <source>it would land outside the folder (%1)</source>
        <translation>er würde außerhalb des Ordners landen (%1)</translation>
    </message>
    <message>
        <source>it would be written through the link &quot;%1&quot;</source>
        <translation>er würde über den Link „%1“ geschrieben</translation>
    </message>
    <message>
        <source>a link that points outside the folder (to &quot;%1&quot;)</source>
        <translation>ein Link, der aus dem Ordner hinaus zeigt (auf „%1“)</translation>
    </message>
    <message>
        <source>a hard link to &quot;%1&quot; outside the folder</source>
        <translation>ein harter Link auf „%1“ außerhalb des Ordners</translation>
    </message>
    <message>
        <source>a hard link through a link (&quot;%1&quot;)</source>
        <translation>ein harter Link über einen Link („%1“)</translation>
    </message>
    <message>
        <source>a hard link to &quot;%1&quot;, which is not a file extracted before</source>
        <translation>ein harter Link auf „%1“, das keine zuvor entpackte Datei ist</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Cannot extract %1: %2</source>
        <translation>%1 kann nicht entpackt werden: %2</translation>
    </message>
    <message>
        <source>The archive is damaged at %1: %2</source>
        <translation>Das Archiv ist bei %1 beschädigt: %2</translation>
    </message>
    <message>
        <source>Cannot read the archive %1: %2</source>
        <translation>Das Archiv %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>an absolute path</source>
        <translation>ein absoluter Pfad</translation>
    </message>
    <message>
        <source>a path that goes up with &quot;..&quot;</source>
        <translation>ein Pfad, der mit „..“ nach oben führt</translation>
    </message>
</context>
<context>
    <name>bt::ArchiveStream</name>
    <message>
        <source>No such folder: %1</source>
        <translation>Ordner nicht gefunden: %1</translation>
    </message>
    <message>
        <source>Cannot start the archive</source>
        <translation>Das Archiv kann nicht erstellt werden</translation>
    </message>
    <message>
        <source>%1 changed during the upload: its archive grew beyond the %2 bytes measured.</source>
        <translation>%1 hat sich während des Uploads geändert: Das Archiv ist über die gemessenen %2 Bytes hinaus gewachsen.</translation>
    </message>
    <message>
        <source>unknown error</source>
        <translation>unbekannter Fehler</translation>
    </message>
    <message>
        <source>%1 changed during the upload; the upload was stopped so that the server never gets an archive that mixes old and new content.</source>
        <translation>%1 hat sich während des Uploads geändert; der Upload wurde angehalten, damit der Server nie ein Archiv erhält, das alten und neuen Inhalt vermischt.</translation>
    </message>
    <message>
        <source>Cannot add %1 to the archive</source>
        <translation>%1 kann nicht zum Archiv hinzugefügt werden</translation>
    </message>
    <message>
        <source>%1 ended early: it changed during the upload.</source>
        <translation>%1 endete vorzeitig: Es wurde während des Uploads geändert.</translation>
    </message>
    <message>
        <source>Cannot write %1 into the archive</source>
        <translation>%1 kann nicht ins Archiv geschrieben werden</translation>
    </message>
    <message>
        <source>Cannot finish an archive entry</source>
        <translation>Ein Archiveintrag kann nicht abgeschlossen werden</translation>
    </message>
    <message>
        <source>Cannot finish the archive</source>
        <translation>Das Archiv kann nicht abgeschlossen werden</translation>
    </message>
    <message>
        <source>%1 changed during the upload: its archive has %2 bytes, %3 were measured.</source>
        <translation>%1 hat sich während des Uploads geändert: Das Archiv hat %2 Bytes, gemessen wurden %3.</translation>
    </message>
    <message>
        <source>The archive of %1 ended early.</source>
        <translation>Das Archiv von %1 endete vorzeitig.</translation>
    </message>
</context>
<context>
    <name>bt::BTFileStream</name>
    <message>
        <source>Invalid file stream options for %1</source>
        <translation>Ungültige Dateistrom-Optionen für %1</translation>
    </message>
    <message>
        <source>(no name)</source>
        <translation>(kein Name)</translation>
    </message>
    <message>
        <source>Refusing to write %1: it is a link or not a regular file (remove it to download again)</source>
        <translation>%1 wird nicht geschrieben: Es ist ein Link oder keine normale Datei (entfernen Sie es, um erneut herunterzuladen)</translation>
    </message>
    <message>
        <source>%1 is being written by another process</source>
        <translation>%1 wird gerade von einem anderen Prozess geschrieben</translation>
    </message>
</context>
<context>
    <name>bt::BrowserRequest</name>
    <message>
        <source>Unknown message type &quot;%1&quot;.</source>
        <translation>Unbekannter Nachrichtentyp „%1“.</translation>
    </message>
    <message>
        <source>The message has no &quot;type&quot;.</source>
        <translation>Die Nachricht hat keinen „type“.</translation>
    </message>
    <message>
        <source>The message</source>
        <translation>Die Nachricht</translation>
    </message>
    <message>
        <source>&quot;userAgent&quot; holds a line break.</source>
        <translation>„userAgent“ enthält einen Zeilenumbruch.</translation>
    </message>
    <message>
        <source>&quot;links&quot; must be a list of at least one link.</source>
        <translation>„links“ muss eine Liste mit mindestens einem Link sein.</translation>
    </message>
    <message>
        <source>&quot;links&quot; holds more than %1 links.</source>
        <translation>„links“ enthält mehr als %1 Links.</translation>
    </message>
    <message>
        <source>&quot;links&quot;: each link must be an object.</source>
        <translation>„links“: Jeder Link muss ein Objekt sein.</translation>
    </message>
    <message>
        <source>a link</source>
        <translation>ein Link</translation>
    </message>
</context>
<context>
    <name>bt::CurlReply</name>
    <message>
        <source>libcurl could not be set up.</source>
        <translation>libcurl konnte nicht eingerichtet werden.</translation>
    </message>
    <message>
        <source>Operation canceled</source>
        <translation>Vorgang abgebrochen</translation>
    </message>
    <message>
        <source>The server&apos;s response headers exceed 100 KiB.</source>
        <translation>Die Antwort-Header des Servers überschreiten 100 KiB.</translation>
    </message>
    <message>
        <source>Host %1 not found</source>
        <translation>Host %1 nicht gefunden</translation>
    </message>
    <message>
        <source>The server closed the connection before the end of its response headers.</source>
        <translation>Der Server hat die Verbindung vor dem Ende seiner Antwort-Header geschlossen.</translation>
    </message>
</context>
<context>
    <name>bt::DavTreeUpload</name>
    <message>
        <source>%1 was already uploaded to %2.</source>
        <translation>%1 wurde bereits nach %2 hochgeladen.</translation>
    </message>
    <message>
        <source>Resuming the upload of %1: %2 files (%3 bytes) are already on the server.</source>
        <translation>Upload von %1 wird fortgesetzt: %2 Dateien (%3 Bytes) sind bereits auf dem Server.</translation>
    </message>
    <message>
        <source>Symbolic links are not uploaded to WebDAV (%1, ...).</source>
        <translation>Symbolische Links werden nicht per WebDAV hochgeladen (%1, ...).</translation>
    </message>
    <message>
        <source>creating the folder again</source>
        <translation>erneutes Anlegen des Ordners</translation>
    </message>
    <message>
        <source>Could not create the folder %1: %2</source>
        <translation>Der Ordner %1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>a PUT cannot resume: sending %1 again from its start</source>
        <translation>ein PUT ist nicht fortsetzbar: erneutes Senden von %1 ab Anfang</translation>
    </message>
    <message>
        <source>Stopped with %1 files on the server; run it again to send the others.</source>
        <translation>Angehalten mit %1 Dateien auf dem Server; starten Sie den Upload erneut, um die übrigen zu senden.</translation>
    </message>
</context>
<context>
    <name>bt::DownloadVerifier</name>
    <message>
        <source>The downloaded data does not match the server&apos;s %1 digest (expected %2, got %3).</source>
        <translation>Die heruntergeladenen Daten stimmen nicht mit der %1-Prüfsumme des Servers überein (erwartet %2, erhalten %3).</translation>
    </message>
    <message>
        <source>Checksum mismatch: expected %1 %2, got %3.</source>
        <translation>Prüfsumme stimmt nicht überein: erwartet %1 %2, erhalten %3.</translation>
    </message>
</context>
<context>
    <name>bt::Error</name>
    <message>
        <source>Disk full while writing %1</source>
        <translation>Datenträger voll beim Schreiben von %1</translation>
    </message>
    <message>
        <source>Read-only file system: %1</source>
        <translation>Schreibgeschütztes Dateisystem: %1</translation>
    </message>
    <message>
        <source>Permission denied: %1</source>
        <translation>Zugriff verweigert: %1</translation>
    </message>
    <message>
        <source>No such file or folder: %1</source>
        <translation>Datei oder Ordner nicht gefunden: %1</translation>
    </message>
    <message>
        <source>I/O error on %1: %2</source>
        <translation>E/A-Fehler bei %1: %2</translation>
    </message>
</context>
<context>
    <name>bt::FileBodyDevice</name>
    <message>
        <source>An upload body is read-only.</source>
        <translation>Der Inhalt eines Uploads ist schreibgeschützt.</translation>
    </message>
    <message>
        <source>%1 changed during the upload (it was %2 bytes, it is now %3 bytes); the upload was stopped so that the server never gets a mix of old and new content.</source>
        <translation>%1 hat sich während des Uploads geändert (vorher %2 Bytes, jetzt %3 Bytes); der Upload wurde angehalten, damit der Server nie eine Mischung aus altem und neuem Inhalt erhält.</translation>
    </message>
    <message>
        <source>%1 ended early: it changed during the upload.</source>
        <translation>%1 endete vorzeitig: Es wurde während des Uploads geändert.</translation>
    </message>
</context>
<context>
    <name>bt::HttpDownload</name>
    <message>
        <source>Cannot read the cookie file %1: %2</source>
        <translation>Die Cookie-Datei %1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>Resuming %1 at %2 of %3 bytes.</source>
        <translation>%1 wird bei %2 von %3 Bytes fortgesetzt.</translation>
    </message>
    <message>
        <source>Size mismatch: %1 bytes received, %2 expected.</source>
        <translation>Größe stimmt nicht überein: %1 Bytes empfangen, %2 erwartet.</translation>
    </message>
    <message>
        <source>Stopped; the download can be resumed.</source>
        <translation>Angehalten; der Download kann fortgesetzt werden.</translation>
    </message>
    <message>
        <source>The answer without a length ended early; continuing at byte %1.</source>
        <translation>Die Antwort ohne Längenangabe endete vorzeitig; weiter ab Byte %1.</translation>
    </message>
    <message>
        <source>The server cannot serve the remaining range (416); starting again from the beginning.</source>
        <translation>Der Server kann den restlichen Bereich nicht liefern (416); es wird von vorn begonnen.</translation>
    </message>
    <message>
        <source>The server sent the whole file; starting again from the beginning.</source>
        <translation>Der Server hat die ganze Datei gesendet; es wird von vorn begonnen.</translation>
    </message>
    <message>
        <source>Redirected to %1</source>
        <translation>Umgeleitet nach %1</translation>
    </message>
    <message>
        <source>The server&apos;s byte ranges are unreliable; downloading the whole file on one connection.</source>
        <translation>Die Byte-Bereiche des Servers sind unzuverlässig; die ganze Datei wird über eine einzige Verbindung heruntergeladen.</translation>
    </message>
    <message>
        <source>The saved address %1 failed (%2); asking %3 again.</source>
        <translation>Die gespeicherte Adresse %1 ist fehlgeschlagen (%2); neue Anfrage an %3.</translation>
    </message>
    <message>
        <source>The server refused another connection (%1); using %2.</source>
        <translation>Der Server hat eine weitere Verbindung abgelehnt (%1); weiter mit %2 Verbindung(en).</translation>
    </message>
    <message>
        <source>%1 - retrying in %2 s (attempt %3 of %4).</source>
        <translation>%1 - nächster Versuch in %2 s (Versuch %3 von %4).</translation>
    </message>
    <message>
        <source>There is no transfer %1 in the transfer database.</source>
        <translation>In der Übertragungsdatenbank gibt es keine Übertragung %1.</translation>
    </message>
    <message>
        <source>Could not save the download state: %1</source>
        <translation>Der Download-Zustand konnte nicht gespeichert werden: %1</translation>
    </message>
    <message>
        <source>The server redirected to an address that is not HTTP or HTTPS: %1</source>
        <translation>Der Server hat auf eine Adresse umgeleitet, die weder HTTP noch HTTPS ist: %1</translation>
    </message>
    <message>
        <source>Refused a redirect from HTTPS to HTTP: %1</source>
        <translation>Umleitung von HTTPS auf HTTP abgelehnt: %1</translation>
    </message>
    <message>
        <source>Too many redirects (a redirect loop?): more than %1, the last to %2</source>
        <translation>Zu viele Umleitungen (eine Umleitungsschleife?): mehr als %1, die letzte nach %2</translation>
    </message>
    <message>
        <source>%1: the proxy wants credentials (give them in the proxy URL: http://user:password@host:port)</source>
        <translation>%1: Der Proxy verlangt Zugangsdaten (geben Sie sie in der Proxy-URL an: http://user:password@host:port)</translation>
    </message>
    <message>
        <source> (the server asked to wait %1 s; waiting at most %2 s)</source>
        <translation> (der Server bat, %1 s zu warten; es wird höchstens %2 s gewartet)</translation>
    </message>
    <message>
        <source> (the server asked to wait %1 s)</source>
        <translation> (der Server bat, %1 s zu warten)</translation>
    </message>
    <message>
        <source>Too many redirects (a redirect loop?): %1</source>
        <translation>Zu viele Umleitungen (eine Umleitungsschleife?): %1</translation>
    </message>
    <message>
        <source>TLS error: %1</source>
        <translation>TLS-Fehler: %1</translation>
    </message>
    <message>
        <source>HTTP 407: the proxy wants credentials (give them in the proxy URL: http://user:password@host:port): %1</source>
        <translation>HTTP 407: Der Proxy verlangt Zugangsdaten (geben Sie sie in der Proxy-URL an: http://user:password@host:port): %1</translation>
    </message>
    <message>
        <source>Proxy error: %1</source>
        <translation>Proxy-Fehler: %1</translation>
    </message>
    <message>
        <source>it ignores byte ranges</source>
        <translation>er ignoriert Byte-Bereiche</translation>
    </message>
    <message>
        <source>The server&apos;s file is %1 bytes, the metalink says %2.</source>
        <translation>Die Datei auf dem Server hat %1 Bytes, laut Metalink %2.</translation>
    </message>
    <message>
        <source>Mirror %1 dropped: %2</source>
        <translation>Spiegelserver %1 verworfen: %2</translation>
    </message>
    <message>
        <source>Every mirror failed; the last: %1</source>
        <translation>Alle Spiegelserver sind fehlgeschlagen; der letzte: %1</translation>
    </message>
    <message>
        <source>Piece %1 (bytes %2-%3) failed its %4 check (sent by %5); fetching it again.</source>
        <translation>Stück %1 (Bytes %2-%3) hat die %4-Prüfung nicht bestanden (Quelle: %5); es wird erneut geholt.</translation>
    </message>
    <message>
        <source>an earlier run</source>
        <translation>ein früherer Durchlauf</translation>
    </message>
    <message>
        <source>piece %1 failed its %2 check</source>
        <translation>Stück %1 hat die %2-Prüfung nicht bestanden</translation>
    </message>
    <message>
        <source>The server names a mirror: %1</source>
        <translation>Der Server nennt einen Spiegelserver: %1</translation>
    </message>
</context>
<context>
    <name>bt::NetworkSetup</name>
    <message>
        <source>Not an HTTP or HTTPS URL: %1</source>
        <translation>Keine HTTP- oder HTTPS-URL: %1</translation>
    </message>
</context>
<context>
    <name>bt::PieceTracker</name>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
</context>
<context>
    <name>bt::PostUpload</name>
    <message>
        <source>a POST cannot resume: sending the whole file again</source>
        <translation>ein POST ist nicht fortsetzbar: erneutes Senden der ganzen Datei</translation>
    </message>
    <message>
        <source>Stopped; a POST cannot resume, so the next run sends the whole file again.</source>
        <translation>Angehalten; ein POST ist nicht fortsetzbar, daher sendet der nächste Durchlauf die ganze Datei erneut.</translation>
    </message>
</context>
<context>
    <name>bt::PutUpload</name>
    <message>
        <source>The server may have no folder for %1 (HTTP %2); creating the folders with MKCOL.</source>
        <translation>Auf dem Server fehlt vielleicht der Ordner für %1 (HTTP %2); die Ordner werden mit MKCOL angelegt.</translation>
    </message>
    <message>
        <source>a PUT cannot resume: sending the whole file again</source>
        <translation>ein PUT ist nicht fortsetzbar: erneutes Senden der ganzen Datei</translation>
    </message>
    <message>
        <source>creating the folder again</source>
        <translation>erneutes Anlegen des Ordners</translation>
    </message>
    <message>
        <source>Could not create the folder %1: %2</source>
        <translation>Der Ordner %1 konnte nicht angelegt werden: %2</translation>
    </message>
    <message>
        <source>Stopped; a PUT cannot resume, so the next run sends the whole file again.</source>
        <translation>Angehalten; ein PUT ist nicht fortsetzbar, daher sendet der nächste Durchlauf die ganze Datei erneut.</translation>
    </message>
</context>
<context>
    <name>bt::QueueManager</name>
    <message>
        <source>The transfer queue is not open.</source>
        <translation>Die Warteschlange ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>This transfer could not be saved in the transfer database.</source>
        <translation>Diese Übertragung konnte nicht in der Übertragungsdatenbank gespeichert werden.</translation>
    </message>
    <message>
        <source>Cancelled</source>
        <translation>Abgebrochen</translation>
    </message>
    <message>
        <source>This transfer cannot be started.</source>
        <translation>Diese Übertragung kann nicht gestartet werden.</translation>
    </message>
    <message>
        <source>Waiting for the credentials from the keyring.</source>
        <translation>Warte auf die Zugangsdaten aus dem Schlüsselbund.</translation>
    </message>
    <message>
        <source>The queue was shut down while it opened.</source>
        <translation>Die Warteschlange wurde beendet, während sie geöffnet wurde.</translation>
    </message>
</context>
<context>
    <name>bt::QueueStore</name>
    <message>
        <source>The transfer database is not open.</source>
        <translation>Die Übertragungsdatenbank ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>The transfer database cannot be opened.</source>
        <translation>Die Übertragungsdatenbank kann nicht geöffnet werden.</translation>
    </message>
    <message>
        <source>Too many transfers were added at once; add the others again in a moment.</source>
        <translation>Es wurden zu viele Übertragungen auf einmal hinzugefügt; fügen Sie die übrigen gleich noch einmal hinzu.</translation>
    </message>
</context>
<context>
    <name>bt::RemoteFileProtocol</name>
    <message>
        <source>Not an FTP, FTPS or SFTP address: %1</source>
        <translation>Keine FTP-, FTPS- oder SFTP-Adresse: %1</translation>
    </message>
    <message>
        <source>The path of %1 holds a line break.</source>
        <translation>Der Pfad von %1 enthält einen Zeilenumbruch.</translation>
    </message>
    <message>
        <source>%1 names a folder; the file&apos;s name is needed there.</source>
        <translation>%1 bezeichnet einen Ordner; dort wird der Name der Datei benötigt.</translation>
    </message>
    <message>
        <source>%1 refused the login (wrong user name or password?)</source>
        <translation>%1 hat die Anmeldung abgelehnt (falscher Benutzername oder falsches Passwort?)</translation>
    </message>
    <message>
        <source>the SSH host key of %1 is not in ~/.ssh/known_hosts or does not match it; if the key is right, add it (ssh-keyscan -p %2 %3 &gt;&gt; ~/.ssh/known_hosts)</source>
        <translation>der SSH-Host-Schlüssel von %1 steht nicht in ~/.ssh/known_hosts oder passt nicht dazu; wenn der Schlüssel stimmt, fügen Sie ihn hinzu (ssh-keyscan -p %2 %3 &gt;&gt; ~/.ssh/known_hosts)</translation>
    </message>
    <message>
        <source>%1 has no file %2</source>
        <translation>%1 hat keine Datei %2</translation>
    </message>
    <message>
        <source>%1 denied access to %2</source>
        <translation>%1 hat den Zugriff auf %2 verweigert</translation>
    </message>
    <message>
        <source>%1 does not offer TLS (AUTH TLS) for ftps://</source>
        <translation>%1 bietet kein TLS (AUTH TLS) für ftps:// an</translation>
    </message>
    <message>
        <source>%1 refused to store %2 (no permission, or no such folder?)</source>
        <translation>%1 hat das Speichern von %2 abgelehnt (keine Berechtigung oder Ordner nicht vorhanden?)</translation>
    </message>
    <message>
        <source>%1 refused to rename %2 into place after the upload</source>
        <translation>%1 hat das Umbenennen von %2 an den Zielort nach dem Upload abgelehnt</translation>
    </message>
</context>
<context>
    <name>bt::RemoteFileUpload</name>
    <message>
        <source>%1 is a folder: send its files to a folder URL ending in &apos;/&apos; (btstream put FOLDER ftp://host/dir/), or one archive (--archive).</source>
        <translation>%1 ist ein Ordner: Senden Sie seine Dateien an eine Ordner-URL, die auf „/“ endet (btstream put ORDNER ftp://host/dir/), oder als ein Archiv (--archive).</translation>
    </message>
    <message>
        <source>%1 was already uploaded to %2.</source>
        <translation>%1 wurde bereits nach %2 hochgeladen.</translation>
    </message>
    <message>
        <source>asking for the size again</source>
        <translation>erneute Abfrage der Größe</translation>
    </message>
    <message>
        <source>%1 has %2 bytes, more than the %3 of %4: sending it again.</source>
        <translation>%1 hat %2 Bytes, mehr als die %3 von %4: wird erneut gesendet.</translation>
    </message>
    <message>
        <source>Resuming the upload of %1 at byte %2 of %3 (the server has that much of %4).</source>
        <translation>Upload von %1 wird bei Byte %2 von %3 fortgesetzt (so viel hat der Server von %4).</translation>
    </message>
    <message>
        <source>continuing from the server&apos;s size</source>
        <translation>Fortsetzen ab der Größe auf dem Server</translation>
    </message>
    <message>
        <source>Stopped; the next run continues from what the server has of %1.</source>
        <translation>Angehalten; der nächste Durchlauf macht mit dem weiter, was der Server von %1 hat.</translation>
    </message>
</context>
<context>
    <name>bt::ResumeValidator</name>
    <message>
        <source>The server sent conflicting or invalid Content-Length headers (%1).</source>
        <translation>Der Server hat widersprüchliche oder ungültige Content-Length-Header gesendet (%1).</translation>
    </message>
    <message>
        <source>The file changed on the server; starting again from the beginning.</source>
        <translation>Die Datei hat sich auf dem Server geändert; es wird von vorn begonnen.</translation>
    </message>
    <message>
        <source>The file size changed on the server; starting again from the beginning.</source>
        <translation>Die Dateigröße hat sich auf dem Server geändert; es wird von vorn begonnen.</translation>
    </message>
    <message>
        <source>The server ignored the byte range; starting again from the beginning.</source>
        <translation>Der Server hat den Byte-Bereich ignoriert; es wird von vorn begonnen.</translation>
    </message>
    <message>
        <source>The server sent a partial answer to a full request.</source>
        <translation>Der Server hat auf eine vollständige Anfrage nur eine Teilantwort gesendet.</translation>
    </message>
    <message>
        <source>The server sent an unreadable Content-Range (%1).</source>
        <translation>Der Server hat einen unlesbaren Content-Range gesendet (%1).</translation>
    </message>
    <message>
        <source>The server answered byte %1 with an inconsistent range (%2); discarding the partial data.</source>
        <translation>Der Server hat auf Byte %1 mit einem widersprüchlichen Bereich geantwortet (%2); die Teildaten werden verworfen.</translation>
    </message>
</context>
<context>
    <name>bt::S3Config</name>
    <message>
        <source>the upload target&apos;s settings</source>
        <translation>die Einstellungen des Upload-Ziels</translation>
    </message>
    <message>
        <source>No secret access key for the access key %1: enter it in the upload target&apos;s settings.</source>
        <translation>Kein geheimer Zugriffsschlüssel für den Zugriffsschlüssel %1: Geben Sie ihn in den Einstellungen des Upload-Ziels ein.</translation>
    </message>
    <message>
        <source>AWS_ACCESS_KEY_ID in the environment</source>
        <translation>AWS_ACCESS_KEY_ID in der Umgebung</translation>
    </message>
    <message>
        <source>profile %1 in %2</source>
        <translation>Profil %1 in %2</translation>
    </message>
    <message>
        <source>No S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or give a profile with aws_access_key_id and aws_secret_access_key in %1 (--profile, AWS_PROFILE; now &quot;%2&quot;).</source>
        <translation>Keine S3-Zugangsdaten: Setzen Sie AWS_ACCESS_KEY_ID und AWS_SECRET_ACCESS_KEY, oder geben Sie ein Profil mit aws_access_key_id und aws_secret_access_key in %1 an (--profile, AWS_PROFILE; derzeit „%2“).</translation>
    </message>
    <message>
        <source>The S3 endpoint must be an http or https URL, not &quot;%1&quot;.</source>
        <translation>Der S3-Endpunkt muss eine http- oder https-URL sein, nicht „%1“.</translation>
    </message>
</context>
<context>
    <name>bt::S3Upload</name>
    <message>
        <source>%1 changed during the upload.</source>
        <translation>%1 hat sich während des Uploads geändert.</translation>
    </message>
    <message>
        <source>Could not read %1 at byte %2.</source>
        <translation>%1 konnte bei Byte %2 nicht gelesen werden.</translation>
    </message>
    <message>
        <source>Not an S3 address (s3://BUCKET/KEY): %1</source>
        <translation>Keine S3-Adresse (s3://BUCKET/SCHLÜSSEL): %1</translation>
    </message>
    <message>
        <source>%1 changed since its upload began (or --no-resume): aborting that upload and starting a new one.</source>
        <translation>%1 hat sich seit Beginn des Uploads geändert (oder --no-resume): Dieser Upload wird abgebrochen und ein neuer gestartet.</translation>
    </message>
    <message>
        <source>Nothing was sent or received for %1 s; the connection was cut.</source>
        <translation>Seit %1 s wurde nichts gesendet oder empfangen; die Verbindung wurde getrennt.</translation>
    </message>
    <message>
        <source> Check the secret access key of %1 (from %2).</source>
        <translation> Prüfen Sie den geheimen Zugriffsschlüssel zu %1 (Quelle: %2).</translation>
    </message>
    <message>
        <source> The server does not know the access key %1 (from %2).</source>
        <translation> Der Server kennt den Zugriffsschlüssel %1 nicht (Quelle: %2).</translation>
    </message>
    <message>
        <source>HTTP %1: the bucket %2 does not exist at %3.</source>
        <translation>HTTP %1: Den Bucket %2 gibt es bei %3 nicht.</translation>
    </message>
    <message>
        <source> The bucket may be in another region than %1: give it with --region.</source>
        <translation> Der Bucket liegt womöglich in einer anderen Region als %1: Geben Sie sie mit --region an.</translation>
    </message>
    <message>
        <source>: the server does not allow this upload to %1.</source>
        <translation>: Der Server erlaubt diesen Upload nach %1 nicht.</translation>
    </message>
    <message>
        <source>sending the whole file again</source>
        <translation>erneutes Senden der ganzen Datei</translation>
    </message>
    <message>
        <source>creating the upload again</source>
        <translation>erneutes Anlegen des Uploads</translation>
    </message>
    <message>
        <source>The server answered CreateMultipartUpload without an UploadId.</source>
        <translation>Der Server hat CreateMultipartUpload ohne UploadId beantwortet.</translation>
    </message>
    <message>
        <source>Created the multipart upload %1 of s3://%2/%3: %4 parts of %5 bytes, %6 at once.</source>
        <translation>Multipart-Upload %1 von s3://%2/%3 angelegt: %4 Teile zu %5 Bytes, %6 gleichzeitig.</translation>
    </message>
    <message>
        <source>The server no longer has the upload %1.</source>
        <translation>Der Server hat den Upload %1 nicht mehr.</translation>
    </message>
    <message>
        <source>asking for the parts again</source>
        <translation>erneute Abfrage der Teile</translation>
    </message>
    <message>
        <source>The server does not list the parts (%1); continuing from the %2 bytes confirmed before.</source>
        <translation>Der Server listet die Teile nicht auf (%1); es wird ab den zuvor bestätigten %2 Bytes fortgesetzt.</translation>
    </message>
    <message>
        <source>The server lists %1 bytes of the upload; sending the rest.</source>
        <translation>Der Server führt %1 Bytes des Uploads auf; der Rest wird gesendet.</translation>
    </message>
    <message>
        <source>sending part %1 again</source>
        <translation>erneutes Senden von Teil %1</translation>
    </message>
    <message>
        <source>The server confirmed part %1 without an ETag.</source>
        <translation>Der Server hat Teil %1 ohne ETag bestätigt.</translation>
    </message>
    <message>
        <source>completing the upload again</source>
        <translation>erneutes Abschließen des Uploads</translation>
    </message>
    <message>
        <source>Completed s3://%1/%2 from %3 parts.</source>
        <translation>s3://%1/%2 aus %3 Teilen fertiggestellt.</translation>
    </message>
    <message>
        <source>%1 It lost the upload %2 times; giving up.</source>
        <translation>%1 Der Upload ging %2-mal verloren; es wird aufgegeben.</translation>
    </message>
    <message>
        <source>%1 Starting a new upload.</source>
        <translation>%1 Ein neuer Upload wird gestartet.</translation>
    </message>
    <message>
        <source>Aborted the multipart upload %1.</source>
        <translation>Multipart-Upload %1 abgebrochen.</translation>
    </message>
    <message>
        <source>Could not abort the multipart upload %1 (%2); its parts stay on the server until a lifecycle rule removes them.</source>
        <translation>Der Multipart-Upload %1 konnte nicht abgebrochen werden (%2); seine Teile bleiben auf dem Server, bis eine Lebenszyklusregel sie entfernt.</translation>
    </message>
    <message>
        <source>%1 is a folder: send its files (btstream put FOLDER s3://BUCKET/PREFIX/).</source>
        <translation>%1 ist ein Ordner: Senden Sie seine Dateien (btstream put ORDNER s3://BUCKET/PRÄFIX/).</translation>
    </message>
    <message>
        <source>%1 was already uploaded to s3://%2/%3.</source>
        <translation>%1 wurde bereits nach s3://%2/%3 hochgeladen.</translation>
    </message>
    <message>
        <source>Resuming the multipart upload %1 of %2: %3 of %4 parts (%5 bytes) are on the server.</source>
        <translation>Multipart-Upload %1 von %2 wird fortgesetzt: %3 von %4 Teilen (%5 Bytes) sind auf dem Server.</translation>
    </message>
    <message>
        <source>Stopped; a single PUT cannot resume, so the next run sends the file again.</source>
        <translation>Angehalten; ein einzelnes PUT ist nicht fortsetzbar, daher sendet der nächste Durchlauf die Datei erneut.</translation>
    </message>
    <message>
        <source>Stopped with %1 of %2 bytes confirmed; run it again to send the missing parts.</source>
        <translation>Angehalten bei %1 von %2 bestätigten Bytes; starten Sie den Upload erneut, um die fehlenden Teile zu senden.</translation>
    </message>
</context>
<context>
    <name>bt::SegmentDownloader</name>
    <message>
        <source>%1 (through the proxy %2)</source>
        <translation>%1 (über den Proxy %2)</translation>
    </message>
    <message>
        <source>Connection lost after %1 bytes of this answer: %2</source>
        <translation>Verbindung nach %1 Bytes dieser Antwort verloren: %2</translation>
    </message>
    <message>
        <source>The answer ended after %1 of %2 bytes.</source>
        <translation>Die Antwort endete nach %1 von %2 Bytes.</translation>
    </message>
    <message>
        <source>The answer ended before the end of its range.</source>
        <translation>Die Antwort endete vor dem Ende ihres Bereichs.</translation>
    </message>
    <message>
        <source>No data for %1 s; reconnecting.</source>
        <translation>Seit %1 s keine Daten; die Verbindung wird neu aufgebaut.</translation>
    </message>
</context>
<context>
    <name>bt::Transfer</name>
    <message>
        <source>Stopped before it started.</source>
        <translation>Vor dem Start angehalten.</translation>
    </message>
</context>
<context>
    <name>bt::TransferStore</name>
    <message>
        <source>The transfer database is not open.</source>
        <translation>Die Übertragungsdatenbank ist nicht geöffnet.</translation>
    </message>
    <message>
        <source>There is no transfer %1 in the transfer database.</source>
        <translation>In der Übertragungsdatenbank gibt es keine Übertragung %1.</translation>
    </message>
</context>
<context>
    <name>bt::TusUpload</name>
    <message>
        <source>%1 was already uploaded to %2.</source>
        <translation>%1 wurde bereits nach %2 hochgeladen.</translation>
    </message>
    <message>
        <source>Resuming the upload of %1 at %2 (%3 bytes acknowledged so far).</source>
        <translation>Upload von %1 wird unter %2 fortgesetzt (bisher %3 Bytes bestätigt).</translation>
    </message>
    <message>
        <source>asking the server again</source>
        <translation>erneute Anfrage an den Server</translation>
    </message>
    <message>
        <source>The server did not describe itself (%1); trying tus 1.0 anyway.</source>
        <translation>Der Server hat keine Angaben über sich gemacht (%1); tus 1.0 wird trotzdem versucht.</translation>
    </message>
    <message>
        <source>The server speaks tus %1, not %2.</source>
        <translation>Der Server spricht tus %1, nicht %2.</translation>
    </message>
    <message>
        <source>The server accepts files of at most %1 bytes; %2 has %3 bytes.</source>
        <translation>Der Server nimmt Dateien mit höchstens %1 Bytes an; %2 hat %3 Bytes.</translation>
    </message>
    <message>
        <source>The server&apos;s upload expired at %1.</source>
        <translation>Der Upload auf dem Server ist am %1 abgelaufen.</translation>
    </message>
    <message>
        <source>The tus server at %1 does not let clients create uploads.</source>
        <translation>Der tus-Server unter %1 erlaubt Clients nicht, Uploads anzulegen.</translation>
    </message>
    <message>
        <source>creating the upload again</source>
        <translation>erneutes Anlegen des Uploads</translation>
    </message>
    <message>
        <source>The tus server answered the creation with HTTP %1 and no upload URL.</source>
        <translation>Der tus-Server hat das Anlegen mit HTTP %1 und ohne Upload-URL beantwortet.</translation>
    </message>
    <message>
        <source>Created the upload %1.</source>
        <translation>Upload %1 angelegt.</translation>
    </message>
    <message>
        <source>The upload is at another origin than %1: it is sent there without the credentials and cookies given for %1.</source>
        <translation>Der Upload liegt an einem anderen Ursprung als %1: Er wird dorthin ohne die für %1 angegebenen Zugangsdaten und Cookies gesendet.</translation>
    </message>
    <message>
        <source>The server no longer has the upload (HTTP %1).</source>
        <translation>Der Server hat den Upload nicht mehr (HTTP %1).</translation>
    </message>
    <message>
        <source>asking for the offset again</source>
        <translation>erneute Abfrage des Offsets</translation>
    </message>
    <message>
        <source>The server&apos;s upload does not match this file (offset %1, length %2).</source>
        <translation>Der Upload auf dem Server passt nicht zu dieser Datei (Offset %1, Länge %2).</translation>
    </message>
    <message>
        <source>The server has %1 of %2 bytes; continuing from there.</source>
        <translation>Der Server hat %1 von %2 Bytes; es wird dort fortgesetzt.</translation>
    </message>
    <message>
        <source>The server&apos;s offset differs from ours (HTTP 409)</source>
        <translation>Der Offset des Servers weicht von unserem ab (HTTP 409)</translation>
    </message>
    <message>
        <source>The server found a checksum mismatch (HTTP 460)</source>
        <translation>Der Server hat eine abweichende Prüfsumme festgestellt (HTTP 460)</translation>
    </message>
    <message>
        <source>resuming from the server&apos;s offset</source>
        <translation>Fortsetzen ab dem Offset des Servers</translation>
    </message>
    <message>
        <source>The server answered PATCH with an invalid Upload-Offset &quot;%1&quot;</source>
        <translation>Der Server hat PATCH mit einem ungültigen Upload-Offset „%1“ beantwortet</translation>
    </message>
    <message>
        <source>asking for the offset</source>
        <translation>Abfrage des Offsets</translation>
    </message>
    <message>
        <source>%1 The server lost the upload %2 times; giving up.</source>
        <translation>%1 Der Server hat den Upload %2-mal verloren; der Upload wird aufgegeben.</translation>
    </message>
    <message>
        <source>%1 Creating a new upload and sending from the start.</source>
        <translation>%1 Ein neuer Upload wird angelegt und von Anfang an gesendet.</translation>
    </message>
    <message>
        <source>%1 changed during the upload.</source>
        <translation>%1 hat sich während des Uploads geändert.</translation>
    </message>
    <message>
        <source>Could not remove the upload from the server: %1</source>
        <translation>Der Upload konnte nicht vom Server entfernt werden: %1</translation>
    </message>
    <message>
        <source>Removed the upload %1 from the server.</source>
        <translation>Upload %1 vom Server entfernt.</translation>
    </message>
    <message>
        <source>Stopped at %1 of %2 bytes; run it again to continue where the server is.</source>
        <translation>Bei %1 von %2 Bytes angehalten; starten Sie den Upload erneut, um beim Stand des Servers fortzufahren.</translation>
    </message>
</context>
<context>
    <name>bt::Upload</name>
    <message>
        <source>Nothing was sent or received for %1 s; the connection was cut.</source>
        <translation>Seit %1 s wurde nichts gesendet oder empfangen; die Verbindung wurde getrennt.</translation>
    </message>
    <message>
        <source>%1: the server refused the credentials; check --user or the Authorization header.</source>
        <translation>%1: Der Server hat die Zugangsdaten abgelehnt; prüfen Sie --user oder den Authorization-Header.</translation>
    </message>
    <message>
        <source>%1: the server does not allow this upload.</source>
        <translation>%1: Der Server erlaubt diesen Upload nicht.</translation>
    </message>
    <message>
        <source>%1: the server refuses a file of %2 bytes (too large for it).</source>
        <translation>%1: Der Server lehnt eine Datei mit %2 Bytes ab (zu groß für ihn).</translation>
    </message>
    <message>
        <source>%1 (%2); %3 in %4 s (attempt %5 of %6).</source>
        <translation>%1 (%2); %3 in %4 s (Versuch %5 von %6).</translation>
    </message>
    <message>
        <source>Upload cancelled.</source>
        <translation>Upload abgebrochen.</translation>
    </message>
    <message>
        <source>Measuring the %1 archive of %2 (%3 entries, %4 bytes of files)...</source>
        <translation>Größe des %1-Archivs von %2 wird ermittelt (%3 Einträge, %4 Bytes an Dateien) ...</translation>
    </message>
    <message>
        <source>No such file: %1</source>
        <translation>Datei nicht gefunden: %1</translation>
    </message>
    <message>
        <source>%1 is a folder: upload it as an archive (tar.gz, tar.zst, zip) or file by file.</source>
        <translation>%1 ist ein Ordner: Laden Sie ihn als Archiv (tar.gz, tar.zst, zip) oder Datei für Datei hoch.</translation>
    </message>
    <message>
        <source>Unknown archive format &quot;%1&quot; (tar.gz, tar.zst or zip).</source>
        <translation>Unbekanntes Archivformat „%1“ (tar.gz, tar.zst oder zip).</translation>
    </message>
    <message>
        <source>%1 is not a regular file (a pipe, socket or device cannot be uploaded).</source>
        <translation>%1 ist keine normale Datei (eine Pipe, ein Socket oder ein Gerät kann nicht hochgeladen werden).</translation>
    </message>
    <message>
        <source>There is no transfer %1 in the transfer database.</source>
        <translation>In der Übertragungsdatenbank gibt es keine Übertragung %1.</translation>
    </message>
</context>
<context>
    <name>bt::WhenAllDone</name>
    <message>
        <source>cannot run %1</source>
        <translation>%1 kann nicht ausgeführt werden</translation>
    </message>
</context>
<context>
    <name>bt::http::Parser</name>
    <message>
        <source>bad URL pattern at column %1: %2</source>
        <translation>ungültiges URL-Muster in Spalte %1: %2</translation>
    </message>
    <message>
        <source>a range is [FIRST-LAST] or [FIRST-LAST:STEP], not [%1]</source>
        <translation>ein Bereich lautet [ERSTER-LETZTER] oder [ERSTER-LETZTER:SCHRITT], nicht [%1]</translation>
    </message>
    <message>
        <source>the step of [%1] must be a whole number of at least 1</source>
        <translation>die Schrittweite von [%1] muss eine ganze Zahl von mindestens 1 sein</translation>
    </message>
    <message>
        <source>the letter range [%1] must go up within one case</source>
        <translation>der Buchstabenbereich [%1] muss innerhalb einer Schreibweise (groß oder klein) aufsteigen</translation>
    </message>
    <message>
        <source>a range is of numbers or of single letters, not [%1]</source>
        <translation>ein Bereich besteht aus Zahlen oder einzelnen Buchstaben, nicht [%1]</translation>
    </message>
    <message>
        <source>the range [%1] goes down</source>
        <translation>der Bereich [%1] ist absteigend</translation>
    </message>
    <message>
        <source>&apos;%1&apos; inside a {list}: lists and ranges do not nest</source>
        <translation>„%1“ innerhalb einer {Liste}: Listen und Bereiche lassen sich nicht verschachteln</translation>
    </message>
    <message>
        <source>the list opened here has no closing &apos;}&apos;</source>
        <translation>der hier geöffneten Liste fehlt die schließende „}“</translation>
    </message>
    <message>
        <source>the range opened here has no closing &apos;]&apos;</source>
        <translation>dem hier geöffneten Bereich fehlt die schließende „]“</translation>
    </message>
    <message>
        <source>ranges and lists do not nest</source>
        <translation>Bereiche und Listen lassen sich nicht verschachteln</translation>
    </message>
    <message>
        <source>&apos;%1&apos; closes nothing (write \%1 for the character)</source>
        <translation>„%1“ schließt nichts (schreiben Sie \%1 für das Zeichen)</translation>
    </message>
</context>
<context>
    <name>bt::http::UrlList</name>
    <message>
        <source>line %1: one URL a line (a space or a tab inside: &apos;%2&apos;)</source>
        <translation>Zeile %1: eine URL pro Zeile (Leerzeichen oder Tabulator darin: „%2“)</translation>
    </message>
    <message>
        <source>line %1: an option line (&apos;%2&apos;) before any URL</source>
        <translation>Zeile %1: eine Optionszeile („%2“) vor der ersten URL</translation>
    </message>
    <message>
        <source>line %1: an option line is NAME=VALUE, not &apos;%2&apos;</source>
        <translation>Zeile %1: Eine Optionszeile lautet NAME=WERT, nicht „%2“</translation>
    </message>
    <message>
        <source>line %1: the option &apos;%2&apos; is not supported (only out= and dir=)</source>
        <translation>Zeile %1: Die Option „%2“ wird nicht unterstützt (nur out= und dir=)</translation>
    </message>
</context>
<context>
    <name>bt::http::UrlPattern</name>
    <message>
        <source>the pattern &apos;%1&apos; gives more than %2 URLs; split it, or use --globoff to take the URL literally</source>
        <translation>das Muster „%1“ ergibt mehr als %2 URLs; teilen Sie es auf, oder verwenden Sie --globoff, um die URL wörtlich zu nehmen</translation>
    </message>
</context>
<context>
    <name>bt::metalink::Reader</name>
    <message>
        <source>the document is empty</source>
        <translation>das Dokument ist leer</translation>
    </message>
    <message>
        <source>not a metalink: the root element is &lt;%1&gt; in the namespace &apos;%2&apos;</source>
        <translation>kein Metalink: Das Wurzelelement ist &lt;%1&gt; im Namensraum „%2“</translation>
    </message>
    <message>
        <source>the metalink lists no file</source>
        <translation>der Metalink führt keine Datei auf</translation>
    </message>
    <message>
        <source>malformed XML at line %1, column %2: %3</source>
        <translation>fehlerhaftes XML in Zeile %1, Spalte %2: %3</translation>
    </message>
    <message>
        <source>the file name &apos;%1&apos; is empty or leaves the download folder</source>
        <translation>der Dateiname „%1“ ist leer oder führt aus dem Download-Ordner heraus</translation>
    </message>
    <message>
        <source>the file &apos;%1&apos; has no http or https URL</source>
        <translation>die Datei „%1“ hat keine http- oder https-URL</translation>
    </message>
    <message>
        <source>the file &apos;%1&apos; has %2 piece hashes, but %3 bytes in pieces of %4 need %5</source>
        <translation>die Datei „%1“ hat %2 Stück-Hashes, aber %3 Bytes in Stücken zu %4 brauchen %5</translation>
    </message>
    <message>
        <source>the size &apos;%1&apos; is not a number of bytes</source>
        <translation>die Größe „%1“ ist keine Anzahl von Bytes</translation>
    </message>
    <message>
        <source>skipped a hash of the unknown type &apos;%1&apos;</source>
        <translation>Hash des unbekannten Typs „%1“ übersprungen</translation>
    </message>
    <message>
        <source>the %1 hash &apos;%2&apos; is not %3 hex digits</source>
        <translation>der %1-Hash „%2“ besteht nicht aus %3 Hexadezimalziffern</translation>
    </message>
    <message>
        <source>the piece length &apos;%1&apos; is not a positive number</source>
        <translation>die Stücklänge „%1“ ist keine positive Zahl</translation>
    </message>
    <message>
        <source>skipped piece hashes of the unknown type &apos;%1&apos;</source>
        <translation>Stück-Hashes des unbekannten Typs „%1“ übersprungen</translation>
    </message>
    <message>
        <source>piece hash %1 is out of order</source>
        <translation>Stück-Hash %1 steht an der falschen Stelle</translation>
    </message>
    <message>
        <source>skipped the %1 resource &apos;%2&apos;</source>
        <translation>%1-Ressource „%2“ übersprungen</translation>
    </message>
    <message>
        <source>skipped the relative URL &apos;%1&apos;: the metalink has no address</source>
        <translation>relative URL „%1“ übersprungen: Der Metalink hat keine Adresse</translation>
    </message>
    <message>
        <source>skipped the URL &apos;%1&apos;: only http and https are used</source>
        <translation>URL „%1“ übersprungen: Nur http und https werden verwendet</translation>
    </message>
</context>
<context>
    <name>bt::nativemessaging</name>
    <message>
        <source>The message was cut short: %1 of 4 length bytes.</source>
        <translation>Die Nachricht wurde abgeschnitten: %1 von 4 Längenbytes.</translation>
    </message>
    <message>
        <source>The message is too large: %1 bytes, at most %2.</source>
        <translation>Die Nachricht ist zu groß: %1 Bytes, höchstens %2.</translation>
    </message>
    <message>
        <source>The message was cut short: %1 of %2 bytes.</source>
        <translation>Die Nachricht wurde abgeschnitten: %1 von %2 Bytes.</translation>
    </message>
    <message>
        <source>The message is not valid JSON: %1 at byte %2.</source>
        <translation>Die Nachricht ist kein gültiges JSON: %1 bei Byte %2.</translation>
    </message>
    <message>
        <source>The message is not a JSON object.</source>
        <translation>Die Nachricht ist kein JSON-Objekt.</translation>
    </message>
</context>
<context>
    <name>bt::rpc::Aria2Client</name>
    <message>
        <source>no answer for %1 s</source>
        <translation>keine Antwort nach %1 s</translation>
    </message>
    <message>
        <source>disconnected</source>
        <translation>getrennt</translation>
    </message>
    <message>
        <source>not connected</source>
        <translation>nicht verbunden</translation>
    </message>
</context>
<context>
    <name>bt::rpc::RemoteQueue</name>
    <message>
        <source>Connecting to %1…</source>
        <translation>Verbindung zu %1 wird hergestellt…</translation>
    </message>
    <message>
        <source>Connected to %1</source>
        <translation>Verbunden mit %1</translation>
    </message>
    <message>
        <source>Cannot reach %1 (%2). Trying again every few seconds.</source>
        <translation>%1 ist nicht erreichbar (%2). Neuer Versuch alle paar Sekunden.</translation>
    </message>
    <message>
        <source>Connection to %1 lost (%2). Trying again every few seconds; the list shows the last known state.</source>
        <translation>Verbindung zu %1 verloren (%2). Neuer Versuch alle paar Sekunden; die Liste zeigt den zuletzt bekannten Stand.</translation>
    </message>
    <message>
        <source>%1 refused the secret. File &gt; Connect to… to enter it again.</source>
        <translation>%1 hat das Geheimnis abgelehnt. Geben Sie es über Datei &gt; Verbinden mit… erneut ein.</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>The daemon did not do it: %1</source>
        <translation>Der Daemon hat es nicht ausgeführt: %1</translation>
    </message>
    <message>
        <source>Passwords are not sent to a daemon: %1</source>
        <translation>Passwörter werden nicht an einen Daemon gesendet: %1</translation>
    </message>
    <message>
        <source>A daemon cannot retry a failed download; add its link again.</source>
        <translation>Ein Daemon kann einen fehlgeschlagenen Download nicht wiederholen; fügen Sie seinen Link erneut hinzu.</translation>
    </message>
</context>
<context>
    <name>bt::store::StoreConnection</name>
    <message>
        <source>The transfer database is in use by another program (%1). Close the other BTFileStream or btstream, or choose another data folder.</source>
        <translation>Die Übertragungsdatenbank wird von einem anderen Programm verwendet (%1). Schließen Sie das andere BTFileStream oder btstream, oder wählen Sie einen anderen Datenordner.</translation>
    </message>
    <message>
        <source>Disk full while writing the transfer database %1</source>
        <translation>Datenträger voll beim Schreiben der Übertragungsdatenbank %1</translation>
    </message>
    <message>
        <source>The transfer database %1 failed: %2</source>
        <translation>Fehler in der Übertragungsdatenbank %1: %2</translation>
    </message>
    <message>
        <source>Cannot create the data folder %1</source>
        <translation>Der Datenordner %1 kann nicht angelegt werden</translation>
    </message>
    <message>
        <source>The SQLite driver of Qt is missing (install libqt6sql6-sqlite).</source>
        <translation>Der SQLite-Treiber von Qt fehlt (installieren Sie libqt6sql6-sqlite).</translation>
    </message>
    <message>
        <source>The transfer database %1 was written by a newer version of BTFileStream (schema %2; this version knows up to %3). Update BTFileStream or choose another data folder.</source>
        <translation>Die Übertragungsdatenbank %1 wurde von einer neueren Version von BTFileStream geschrieben (Schema %2; diese Version kennt bis %3). Aktualisieren Sie BTFileStream oder wählen Sie einen anderen Datenordner.</translation>
    </message>
    <message>
        <source>The transfer database %1 is damaged and could not be moved aside to %2. Move or delete it, then try again.</source>
        <translation>Die Übertragungsdatenbank %1 ist beschädigt und konnte nicht nach %2 verschoben werden. Verschieben oder löschen Sie sie und versuchen Sie es dann erneut.</translation>
    </message>
    <message>
        <source>The transfer database was damaged and has been moved aside to %1. A new, empty transfer list will be started the next time; files already downloaded are not touched.</source>
        <translation>Die Übertragungsdatenbank war beschädigt und wurde nach %1 verschoben. Beim nächsten Start wird eine neue, leere Übertragungsliste angelegt; bereits heruntergeladene Dateien bleiben unberührt.</translation>
    </message>
    <message>
        <source>commitBatch() without beginBatch()</source>
        <translation>commitBatch() ohne beginBatch()</translation>
    </message>
</context>
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
        <translation>Prü&amp;fsumme:</translation>
    </message>
    <message>
        <source>Enter at least one URL.</source>
        <translation>Geben Sie mindestens eine URL ein.</translation>
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
    <message>
        <source>The folder must be an absolute path: %1</source>
        <translation>Der Ordner muss ein absoluter Pfad sein: %1</translation>
    </message>
    <message>
        <source>%1 is a file: no folder can be made in it.</source>
        <translation>%1 ist eine Datei: Darin kann kein Ordner angelegt werden.</translation>
    </message>
    <message>
        <source>The folder is not writable: %1</source>
        <translation>Der Ordner ist nicht beschreibbar: %1</translation>
    </message>
    <message>
        <source>Cannot make the folder: %1 is not writable.</source>
        <translation>Der Ordner kann nicht angelegt werden: %1 ist nicht beschreibbar.</translation>
    </message>
    <message>
        <source>&amp;Links:</source>
        <translation>&amp;Links:</translation>
    </message>
    <message>
        <source>More than %1 URLs.</source>
        <translation>Mehr als %1 URLs.</translation>
    </message>
    <message>
        <source>Not an http, https, ftp, ftps or sftp URL: %1</source>
        <translation>Keine http-, https-, ftp-, ftps- oder sftp-URL: %1</translation>
    </message>
    <message>
        <source>A folder on the daemon&apos;s machine</source>
        <translation>Ein Ordner auf dem Rechner des Daemons</translation>
    </message>
    <message numerus="yes">
        <source>%n URL(s):</source>
        <translation>
            <numerusform>%n URL:</numerusform>
            <numerusform>%n URLs:</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::BrowserCatcher</name>
    <message>
        <source>Could not add: %1</source>
        <translation>Konnte nicht hinzugefügt werden: %1</translation>
    </message>
    <message numerus="yes">
        <source>Added %n download(s) from the browser</source>
        <translation>
            <numerusform>%n Download aus dem Browser hinzugefügt</numerusform>
            <numerusform>%n Downloads aus dem Browser hinzugefügt</numerusform>
        </translation>
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
    <message>
        <source>Select a transfer to see its details.</source>
        <translation>Wählen Sie eine Übertragung aus, um ihre Details zu sehen.</translation>
    </message>
    <message>
        <source>%1 - %2</source>
        <translation>%1 - %2</translation>
    </message>
    <message>
        <source>%1 (the object: %2)</source>
        <translation>%1 (das Objekt: %2)</translation>
    </message>
    <message>
        <source>Parts:</source>
        <translation>Teile:</translation>
    </message>
    <message>
        <source>%1 of %2 parts confirmed, %3 sending, %4 pending (%5 a part)</source>
        <extracomment>S3 multipart upload: &quot;3 of 12 parts confirmed, 4 sending, 5 pending (8.0 MB a part)&quot;</extracomment>
        <translation>%1 von %2 Teilen bestätigt, %3 werden gesendet, %4 ausstehend (%5 pro Teil)</translation>
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
    <message>
        <source>%1 B</source>
        <translation>%1 B</translation>
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
        <translation>Dateien hoch&amp;laden…</translation>
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
    <message>
        <source>Failed, or paused on an error (disk full...) until you act</source>
        <translation>Fehlgeschlagen oder nach einem Fehler pausiert (Datenträger voll ...), bis Sie eingreifen</translation>
    </message>
    <message>
        <source>%1: %2. Resume it when fixed.</source>
        <translation>%1: %2. Setzen Sie die Übertragung fort, sobald das Problem behoben ist.</translation>
    </message>
    <message>
        <source>Remove &amp;Completed</source>
        <translation>&amp;Abgeschlossene entfernen</translation>
    </message>
    <message>
        <source>BTFileStream is still running</source>
        <translation>BTFileStream läuft weiter</translation>
    </message>
    <message>
        <source>Transfers go on in the tray. To quit, choose Quit in its menu.</source>
        <translation>Die Übertragungen laufen im Systembereich weiter. Zum Beenden wählen Sie dort im Menü „Beenden“.</translation>
    </message>
    <message>
        <source>Quit BTFileStream</source>
        <translation>BTFileStream beenden</translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s) running. Quit anyway?</source>
        <translation>
            <numerusform>%n Übertragung läuft. Trotzdem beenden?</numerusform>
            <numerusform>%n Übertragungen laufen. Trotzdem beenden?</numerusform>
        </translation>
    </message>
    <message>
        <source>They stop now and go on at the next start.</source>
        <translation>Sie werden jetzt angehalten und beim nächsten Start fortgesetzt.</translation>
    </message>
    <message numerus="yes">
        <source>Removed %n completed transfer(s); the files stay.</source>
        <translation>
            <numerusform>%n abgeschlossene Übertragung entfernt; die Datei bleibt erhalten.</numerusform>
            <numerusform>%n abgeschlossene Übertragungen entfernt; die Dateien bleiben erhalten.</numerusform>
        </translation>
    </message>
    <message>
        <source>Ran %1 (exit code 0)</source>
        <translation>%1 ausgeführt (Exit-Code 0)</translation>
    </message>
    <message>
        <source>Command failed: %1</source>
        <translation>Befehl fehlgeschlagen: %1</translation>
    </message>
    <message>
        <source>Command failed</source>
        <translation>Befehl fehlgeschlagen</translation>
    </message>
    <message>
        <source>Not added: the window was connected or disconnected meanwhile. Add the links again.</source>
        <translation>Nicht hinzugefügt: Das Fenster wurde inzwischen verbunden oder getrennt. Fügen Sie die Links erneut hinzu.</translation>
    </message>
    <message numerus="yes">
        <source>Sent %n download(s) to the daemon</source>
        <translation>
            <numerusform>%n Download an den Daemon gesendet</numerusform>
            <numerusform>%n Downloads an den Daemon gesendet</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Import Links…</source>
        <translation>Links &amp;importieren…</translation>
    </message>
    <message>
        <source>Export as &amp;JSON…</source>
        <translation>Als &amp;JSON exportieren…</translation>
    </message>
    <message>
        <source>Export URL &amp;List…</source>
        <translation>URL-Liste e&amp;xportieren…</translation>
    </message>
    <message>
        <source>Co&amp;nnect to…</source>
        <translation>&amp;Verbinden mit…</translation>
    </message>
    <message>
        <source>&amp;Disconnect</source>
        <translation>&amp;Trennen</translation>
    </message>
    <message>
        <source>Import Links</source>
        <translation>Links importieren</translation>
    </message>
    <message>
        <source>Link lists and web pages (*.txt *.lst *.html *.htm);;All files (*)</source>
        <translation>Linklisten und Webseiten (*.txt *.lst *.html *.htm);;Alle Dateien (*)</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>%1 kann nicht gelesen werden: %2</translation>
    </message>
    <message>
        <source>No links found in %1.</source>
        <translation>In %1 wurden keine Links gefunden.</translation>
    </message>
    <message>
        <source>Metalinks are added to this computer&apos;s transfers only; disconnect from the daemon first.</source>
        <translation>Metalinks werden nur zu den Übertragungen dieses Computers hinzugefügt; trennen Sie zuerst die Verbindung zum Daemon.</translation>
    </message>
    <message numerus="yes">
        <source>Added %n download(s) from the metalink</source>
        <translation>
            <numerusform>%n Download aus dem Metalink hinzugefügt</numerusform>
            <numerusform>%n Downloads aus dem Metalink hinzugefügt</numerusform>
        </translation>
    </message>
    <message>
        <source>Export Transfers as JSON</source>
        <translation>Übertragungen als JSON exportieren</translation>
    </message>
    <message>
        <source>Export URL List</source>
        <translation>URL-Liste exportieren</translation>
    </message>
    <message>
        <source>JSON (*.json)</source>
        <translation>JSON (*.json)</translation>
    </message>
    <message>
        <source>Text (*.txt)</source>
        <translation>Text (*.txt)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Exportieren</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>%1 kann nicht geschrieben werden: %2</translation>
    </message>
    <message numerus="yes">
        <source>Exported %n transfer(s) to %1</source>
        <translation>
            <numerusform>%n Übertragung nach %1 exportiert</numerusform>
            <numerusform>%n Übertragungen nach %1 exportiert</numerusform>
        </translation>
    </message>
    <message>
        <source>Connect to a Daemon</source>
        <translation>Mit einem Daemon verbinden</translation>
    </message>
    <message>
        <source>--rpc-secret of the daemon</source>
        <translation>--rpc-secret des Daemons</translation>
    </message>
    <message>
        <source>btstream daemon or another aria2 JSON-RPC server. The secret is kept in the desktop keyring.</source>
        <translation>btstream-Daemon oder ein anderer aria2-JSON-RPC-Server. Das Geheimnis wird im Schlüsselbund der Arbeitsumgebung gespeichert.</translation>
    </message>
    <message>
        <source>&amp;Connect</source>
        <translation>&amp;Verbinden</translation>
    </message>
    <message>
        <source>&amp;URL:</source>
        <translation>&amp;URL:</translation>
    </message>
    <message>
        <source>&amp;Secret:</source>
        <translation>&amp;Geheimnis:</translation>
    </message>
    <message>
        <source>A ws://, wss://, http:// or https:// URL of a host.</source>
        <translation>Eine URL eines Rechners mit ws://, wss://, http:// oder https://.</translation>
    </message>
    <message>
        <source>Disconnected: the transfers of this computer are shown</source>
        <translation>Getrennt: Die Übertragungen dieses Computers werden angezeigt</translation>
    </message>
    <message>
        <source>Disconnected from %1, retrying</source>
        <translation>Verbindung zu %1 verloren, neuer Versuch läuft</translation>
    </message>
    <message>
        <source>%1 refused the secret</source>
        <translation>%1 hat das Geheimnis abgelehnt</translation>
    </message>
    <message>
        <source>BTFileStream — %1</source>
        <translation>BTFileStream — %1</translation>
    </message>
    <message>
        <source>Enter the secret access key for “%1”: it was not saved, because %2.</source>
        <translation>Geben Sie den geheimen Zugriffsschlüssel für „%1“ ein: Er wurde nicht gespeichert, weil %2.</translation>
    </message>
    <message>
        <source>Enter the secret access key for “%1”.</source>
        <translation>Geben Sie den geheimen Zugriffsschlüssel für „%1“ ein.</translation>
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
        <source>The window must look like 01:00-07:00.</source>
        <translation>Das Zeitfenster muss wie 01:00-07:00 aussehen.</translation>
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
    <message>
        <source>From the environment (http_proxy, all_proxy, no_proxy)</source>
        <translation>Aus der Umgebung (http_proxy, all_proxy, no_proxy)</translation>
    </message>
    <message numerus="yes">
        <source>From one server at most %n at once, even though %1 may run together.</source>
        <translation>
            <numerusform>Von einem Server höchstens %n gleichzeitig, obwohl insgesamt %1 laufen dürfen.</numerusform>
            <numerusform>Von einem Server höchstens %n gleichzeitig, obwohl insgesamt %1 laufen dürfen.</numerusform>
        </translation>
    </message>
    <message>
        <source>One server can use all of the transfers at once.</source>
        <translation>Ein Server kann alle Übertragungen gleichzeitig nutzen.</translation>
    </message>
    <message>
        <source>Shown in the details; a download is always verified against a digest the server or you give, whether this is on or not.</source>
        <translation>Wird in den Details angezeigt; ein Download wird immer gegen eine vom Server oder von Ihnen angegebene Prüfsumme geprüft, ob dies eingeschaltet ist oder nicht.</translation>
    </message>
    <message>
        <source>http://, https://, socks5h:// (the proxy resolves names), socks5:// or socks4://, with user:password@ if it asks; &quot;none&quot; to connect directly. Running transfers use a changed proxy from their next connection.</source>
        <translation>http://, https://, socks5h:// (der Proxy löst die Namen auf), socks5:// oder socks4://, mit user:password@, falls er danach fragt; „none“ für eine direkte Verbindung. Laufende Übertragungen verwenden einen geänderten Proxy ab ihrer nächsten Verbindung.</translation>
    </message>
    <message>
        <source>The proxy must look like http://host:port or socks5h://host:port.</source>
        <translation>Der Proxy muss wie http://host:port oder socks5h://host:port aussehen.</translation>
    </message>
    <message>
        <source>Compute the SHA-256 of &amp;every download</source>
        <translation>SHA-256 für &amp;jeden Download berechnen</translation>
    </message>
    <message>
        <source>&amp;Open the folder when a download completes</source>
        <translation>Ordner nach dem Download ö&amp;ffnen</translation>
    </message>
    <message>
        <source>In the file manager, after the archive is extracted.</source>
        <translation>Im Dateimanager, nachdem das Archiv entpackt ist.</translation>
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
    <message>
        <source>Retrying (attempt %1 of %2)</source>
        <translation>Wird wiederholt (Versuch %1 von %2)</translation>
    </message>
    <message numerus="yes">
        <source>Retrying in %n s (attempt %1 of %2)</source>
        <translation>
            <numerusform>Neuer Versuch in %n s (Versuch %1 von %2)</numerusform>
            <numerusform>Neuer Versuch in %n s (Versuch %1 von %2)</numerusform>
        </translation>
    </message>
    <message>
        <source>Paused: disk full</source>
        <translation>Pausiert: Datenträger voll</translation>
    </message>
    <message>
        <source>Paused: cannot write</source>
        <translation>Pausiert: Schreiben nicht möglich</translation>
    </message>
    <message>
        <source>Paused: folder missing</source>
        <translation>Pausiert: Ordner fehlt</translation>
    </message>
    <message>
        <source>Paused: disk error</source>
        <translation>Pausiert: Datenträgerfehler</translation>
    </message>
    <message>
        <source>Paused: error</source>
        <translation>Pausiert: Fehler</translation>
    </message>
    <message>
        <source>%1 (disconnected)</source>
        <translation>%1 (getrennt)</translation>
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
    <name>bt::ui::UploadTarget</name>
    <message>
        <source>The upload target “%1” needs an ftp, ftps or sftp URL without a password (give it below: it goes to the keyring).</source>
        <translation>Das Upload-Ziel „%1“ braucht eine ftp-, ftps- oder sftp-URL ohne Passwort (geben Sie es unten ein: Es kommt in den Schlüsselbund).</translation>
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
        <source>Enter the bucket of the S3 target “%1”.</source>
        <translation>Geben Sie den Bucket des S3-Ziels „%1“ ein.</translation>
    </message>
    <message>
        <source>The bucket of “%1” is a name without &apos;/&apos;: put folders in the key prefix.</source>
        <translation>Der Bucket von „%1“ ist ein Name ohne „/“: Ordner gehören in das Schlüsselpräfix.</translation>
    </message>
    <message>
        <source>S3 bucket names are in lower case: “%1” (“%2”).</source>
        <translation>S3-Bucket-Namen sind kleingeschrieben: „%1“ („%2“).</translation>
    </message>
    <message>
        <source>The bucket name of “%1” may not contain spaces.</source>
        <translation>Der Bucket-Name von „%1“ darf keine Leerzeichen enthalten.</translation>
    </message>
    <message>
        <source>The endpoint of “%1” must be an http or https URL such as https://s3.example.org:9000, not “%2”.</source>
        <translation>Der Endpunkt von „%1“ muss eine http- oder https-URL wie https://s3.example.org:9000 sein, nicht „%2“.</translation>
    </message>
    <message>
        <source>The endpoint of “%1” is the server only (%2), without a path: the bucket and the prefix have fields of their own.</source>
        <translation>Der Endpunkt von „%1“ ist nur der Server (%2), ohne Pfad: Bucket und Präfix haben eigene Felder.</translation>
    </message>
    <message>
        <source>The region of “%1” is one word, such as eu-west-3.</source>
        <translation>Die Region von „%1“ ist ein einzelnes Wort, etwa eu-west-3.</translation>
    </message>
    <message>
        <source>The part size of “%1” must be from 5 MiB to 5 GiB.</source>
        <translation>Die Teilgröße von „%1“ muss zwischen 5 MiB und 5 GiB liegen.</translation>
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
    <message>
        <source>FTP, FTPS or SFTP (resumable)</source>
        <translation>FTP, FTPS oder SFTP (fortsetzbar)</translation>
    </message>
    <message>
        <source>S3 (AWS, MinIO, Ceph, R2...)</source>
        <translation>S3 (AWS, MinIO, Ceph, R2 ...)</translation>
    </message>
    <message>
        <source>AWS; or e.g. https://minio.example.org:9000</source>
        <translation>AWS; oder z. B. https://minio.example.org:9000</translation>
    </message>
    <message>
        <source>us-east-1</source>
        <translation>us-east-1</translation>
    </message>
    <message>
        <source>my-bucket</source>
        <translation>mein-bucket</translation>
    </message>
    <message>
        <source>none: files go to the top; e.g. backups/2026</source>
        <translation>keines: Dateien landen auf oberster Ebene; z. B. backups/2026</translation>
    </message>
    <message>
        <source>Automatic (path-style for an endpoint, else virtual-hosted)</source>
        <translation>Automatisch (Pfad-Stil bei einem Endpunkt, sonst virtuelles Hosting)</translation>
    </message>
    <message>
        <source>Path-style (ENDPOINT/BUCKET/KEY)</source>
        <translation>Pfad-Stil (ENDPUNKT/BUCKET/SCHLÜSSEL)</translation>
    </message>
    <message>
        <source>Virtual-hosted (BUCKET.ENDPOINT/KEY)</source>
        <translation>Virtuelles Hosting (BUCKET.ENDPUNKT/SCHLÜSSEL)</translation>
    </message>
    <message>
        <source> MiB</source>
        <translation> MiB</translation>
    </message>
    <message>
        <source>Automatic (8 MiB and up)</source>
        <translation>Automatisch (ab 8 MiB)</translation>
    </message>
    <message>
        <source>none: the AWS setup&apos;s (~/.aws, AWS_* variables)</source>
        <translation>keine: die der AWS-Konfiguration (~/.aws, AWS_*-Variablen)</translation>
    </message>
    <message>
        <source>only for temporary credentials</source>
        <translation>nur für temporäre Zugangsdaten</translation>
    </message>
    <message>
        <source>&amp;Endpoint URL:</source>
        <translation>End&amp;punkt-URL:</translation>
    </message>
    <message>
        <source>Re&amp;gion:</source>
        <translation>Regi&amp;on:</translation>
    </message>
    <message>
        <source>&amp;Bucket:</source>
        <translation>&amp;Bucket:</translation>
    </message>
    <message>
        <source>Key &amp;prefix:</source>
        <translation>S&amp;chlüsselpräfix:</translation>
    </message>
    <message>
        <source>Add&amp;ressing:</source>
        <translation>Ad&amp;ressierung:</translation>
    </message>
    <message>
        <source>Part si&amp;ze:</source>
        <translation>Tei&amp;lgröße:</translation>
    </message>
    <message>
        <source>Access &amp;key ID:</source>
        <translation>Zugriffs&amp;schlüssel-ID:</translation>
    </message>
    <message>
        <source>Secret access ke&amp;y:</source>
        <translation>Geheimer &amp;Zugriffsschlüssel:</translation>
    </message>
    <message>
        <source>Sess&amp;ion token:</source>
        <translation>Sitzungsto&amp;ken:</translation>
    </message>
    <message>
        <source>Enter the secret access key of “%1” with its session token.</source>
        <translation>Geben Sie den geheimen Zugriffsschlüssel von „%1“ zusammen mit seinem Sitzungstoken ein.</translation>
    </message>
</context>
<context>
    <name>bt::ui::WhenDoneControl</name>
    <message>
        <source>When All Is &amp;Done</source>
        <translation>Wenn alles &amp;fertig ist</translation>
    </message>
    <message>
        <source>Do &amp;Nothing</source>
        <translation>&amp;Nichts tun</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Beenden</translation>
    </message>
    <message>
        <source>&amp;Suspend</source>
        <translation>&amp;Standby-Modus</translation>
    </message>
    <message>
        <source>&amp;Power Off</source>
        <translation>&amp;Ausschalten</translation>
    </message>
    <message>
        <source>Run a &amp;Command…</source>
        <translation>Be&amp;fehl ausführen…</translation>
    </message>
    <message>
        <source>When all is done: %1</source>
        <translation>Wenn alles fertig ist: %1</translation>
    </message>
    <message>
        <source>When All Is Done</source>
        <translation>Wenn alles fertig ist</translation>
    </message>
    <message>
        <source>Command to run (no shell; double quotes group words):</source>
        <translation>Auszuführender Befehl (ohne Shell; doppelte Anführungszeichen fassen Wörter zusammen):</translation>
    </message>
    <message>
        <source>BTFileStream quits</source>
        <translation>wird BTFileStream beendet</translation>
    </message>
    <message>
        <source>the computer suspends</source>
        <translation>wechselt der Computer in den Standby-Modus</translation>
    </message>
    <message>
        <source>the computer powers off</source>
        <translation>wird der Computer ausgeschaltet</translation>
    </message>
    <message>
        <source>&quot;%1&quot; runs</source>
        <translation>wird „%1“ ausgeführt</translation>
    </message>
    <message>
        <source>All Transfers Are Done</source>
        <translation>Alle Übertragungen sind abgeschlossen</translation>
    </message>
    <message numerus="yes">
        <source>All transfers are done: in %n second(s) %1.</source>
        <translation>
            <numerusform>Alle Übertragungen sind abgeschlossen. In %n Sekunde %1.</numerusform>
            <numerusform>Alle Übertragungen sind abgeschlossen. In %n Sekunden %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot reach logind on the system bus: %1</source>
        <translation>logind ist auf dem Systembus nicht erreichbar: %1</translation>
    </message>
    <message>
        <source>logind refused: %1</source>
        <translation>logind hat abgelehnt: %1</translation>
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
    <message>
        <source>Let Chromium, Google Chrome and Firefox reach BTFileStream for this user, then exit.</source>
        <translation>Chromium, Google Chrome und Firefox für diesen Benutzer den Zugriff auf BTFileStream erlauben, dann beenden.</translation>
    </message>
    <message>
        <source>Undo --install-browser-integration, then exit.</source>
        <translation>--install-browser-integration rückgängig machen, dann beenden.</translation>
    </message>
</context>
</TS>
