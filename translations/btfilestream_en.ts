<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>bt::ui::AddDownloadDialog</name>
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
    <message numerus="yes">
        <source>Added %n download(s) from the browser</source>
        <translation>
            <numerusform>Added %n download from the browser</numerusform>
            <numerusform>Added %n downloads from the browser</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::Format</name>
    <message numerus="yes">
        <source>%n h</source>
        <translation>
            <numerusform>%n h</numerusform>
            <numerusform>%n h</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::MainWindow</name>
    <message numerus="yes">
        <source>Added %n download(s)</source>
        <translation>
            <numerusform>Added %n download</numerusform>
            <numerusform>Added %n downloads</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Remove %n transfer(s) and delete the downloaded file(s) from the disk?</source>
        <translation>
            <numerusform>Remove %n transfer and delete the downloaded file from the disk?</numerusform>
            <numerusform>Remove %n transfers and delete the downloaded files from the disk?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Extracted %n file(s) into %1</source>
        <translation>
            <numerusform>Extracted %n file into %1</numerusform>
            <numerusform>Extracted %n files into %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1: %n entry(s) refused: %2</source>
        <translation>
            <numerusform>%1: %n entry refused: %2</numerusform>
            <numerusform>%1: %n entries refused: %2</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Upload %n item(s) to:</source>
        <translation>
            <numerusform>Upload %n item to:</numerusform>
            <numerusform>Upload %n items to:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Uploading %n item(s)</source>
        <translation>
            <numerusform>Uploading %n item</numerusform>
            <numerusform>Uploading %n items</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Uploading %n item(s) to %1</source>
        <translation>
            <numerusform>Uploading %n item to %1</numerusform>
            <numerusform>Uploading %n items to %1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n transfer(s) running. Quit anyway?</source>
        <translation>
            <numerusform>%n transfer running. Quit anyway?</numerusform>
            <numerusform>%n transfers running. Quit anyway?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removed %n completed transfer(s); the files stay.</source>
        <translation>
            <numerusform>Removed %n completed transfer; the files stay.</numerusform>
            <numerusform>Removed %n completed transfers; the files stay.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Sent %n download(s) to the daemon</source>
        <translation>
            <numerusform>Sent %n download to the daemon</numerusform>
            <numerusform>Sent %n downloads to the daemon</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Added %n download(s) from the metalink</source>
        <translation>
            <numerusform>Added %n download from the metalink</numerusform>
            <numerusform>Added %n downloads from the metalink</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Exported %n transfer(s) to %1</source>
        <translation>
            <numerusform>Exported %n transfer to %1</numerusform>
            <numerusform>Exported %n transfers to %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::SettingsDialog</name>
    <message numerus="yes">
        <source>From one server at most %n at once, even though %1 may run together.</source>
        <translation>
            <numerusform>From one server at most %n at once, even though %1 may run together.</numerusform>
            <numerusform>From one server at most %n at once, even though %1 may run together.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::TransferModel</name>
    <message numerus="yes">
        <source>Retrying in %n s (attempt %1 of %2)</source>
        <translation>
            <numerusform>Retrying in %n s (attempt %1 of %2)</numerusform>
            <numerusform>Retrying in %n s (attempt %1 of %2)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::TrayIcon</name>
    <message numerus="yes">
        <source>%n active</source>
        <translation>
            <numerusform>%n active</numerusform>
            <numerusform>%n active</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n queued</source>
        <translation>
            <numerusform>%n queued</numerusform>
            <numerusform>%n queued</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>bt::ui::WhenDoneControl</name>
    <message numerus="yes">
        <source>All transfers are done: in %n second(s) %1.</source>
        <translation>
            <numerusform>All transfers are done: in %n second %1.</numerusform>
            <numerusform>All transfers are done: in %n seconds %1.</numerusform>
        </translation>
    </message>
</context>
</TS>
